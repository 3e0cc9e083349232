import { createHash } from 'node:crypto';
import * as z from 'zod';
import { partnerListQuerySchema } from '../partners/partner.ts';

export const reportTypes = ['executive-summary', 'annual-review', 'quarterly-review'] as const;
export type ReportType = (typeof reportTypes)[number];

export interface SectionPlan {
  sectionId: string;
  title: string;
  /** What the section must cover; becomes the section prompt. */
  brief: string;
}

/** Each report type's sections, in reading order. */
export const sectionPlans: Record<ReportType, SectionPlan[]> = {
  'executive-summary': [
    { sectionId: 'overview', title: 'Overview', brief: 'The state of the partner ecosystem in a few sentences.' },
    {
      sectionId: 'ecosystem-health',
      title: 'Ecosystem health',
      brief: 'Partner mix by type, tier, region and status, with what stands out.',
    },
    {
      sectionId: 'top-partners',
      title: 'Top partners',
      brief: 'The partners contributing the most revenue and why they matter.',
    },
    {
      sectionId: 'opportunities',
      title: 'Opportunities',
      brief: 'Gaps against the Ideal Partner Profile worth filling next.',
    },
    { sectionId: 'risks', title: 'Risks', brief: 'Concentration, inactive partners and other risks to watch.' },
    {
      sectionId: 'recommendations',
      title: 'Recommendations',
      brief: 'Three to five concrete next steps for the partner team.',
    },
  ],
  'annual-review': [
    { sectionId: 'year-in-review', title: 'Year in review', brief: 'What changed in the ecosystem over the year.' },
    { sectionId: 'revenue', title: 'Partner revenue', brief: 'Revenue by partner type and tier.' },
    { sectionId: 'program', title: 'Programme performance', brief: 'How tiers and recruitment performed.' },
    { sectionId: 'strategy-fit', title: 'Strategy fit', brief: 'How well partners match the ICP and IPP.' },
    { sectionId: 'next-year', title: 'Plan for next year', brief: 'Priorities and targets for next year.' },
  ],
  'quarterly-review': [
    { sectionId: 'quarter-summary', title: 'Quarter summary', brief: 'The quarter in a few sentences.' },
    { sectionId: 'pipeline', title: 'Partner pipeline', brief: 'Partners onboarding, activating and at risk.' },
    { sectionId: 'actions', title: 'Actions for next quarter', brief: 'Concrete actions for the next quarter.' },
  ],
};

/** The payload of every section, streamed as partials and then completed. */
export const sectionPayloadSchema = z.object({
  title: z.string().min(1),
  summary: z.string().min(1).describe('Two to four sentences'),
  highlights: z.array(z.string().min(1)).min(1).describe('Short bullet points'),
  metrics: z
    .array(z.object({ label: z.string().min(1), value: z.string().min(1) }))
    .describe('Figures taken from the partner data; empty when none apply'),
});

export type SectionPayload = z.output<typeof sectionPayloadSchema>;

/** Reports scope partners with the same filters as the partner list. */
const filtersSchema = partnerListQuerySchema.omit({ limit: true, cursor: true }).default({});

export const generateReportRequestSchema = z.strictObject({
  orgName: z.string().trim().min(1).max(200),
  domain: z.string().trim().min(1).max(253),
  reportType: z.enum(reportTypes),
  filters: filtersSchema,
  filterFingerprint: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/)
    .optional(),
});

export type GenerateReportRequest = z.output<typeof generateReportRequestSchema>;

/** Same filters, same fingerprint: key order and empty values do not matter. */
export function fingerprintFilters(filters: Record<string, unknown>): string {
  const canonical = Object.keys(filters)
    .filter((key) => filters[key] !== undefined && filters[key] !== '')
    .sort()
    .map((key) => [key, filters[key]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 32);
}

export const reportStatuses = ['running', 'completed', 'failed'] as const;
export type ReportStatus = (typeof reportStatuses)[number];

/** A report as stored and as `GET /api/reports` returns it. */
export const reportSchema = z.object({
  reportId: z.uuid(),
  jobId: z.string(),
  organisationId: z.string(),
  reportType: z.enum(reportTypes),
  orgName: z.string(),
  domain: z.string(),
  filters: partnerListQuerySchema.omit({ limit: true, cursor: true }),
  filterFingerprint: z.string(),
  status: z.enum(reportStatuses),
  errorMessage: z.string().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime().describe('When the status last changed'),
});

/** One section of a report, partial while it is being written. */
export const reportSectionSchema = z.object({
  reportId: z.uuid(),
  sectionId: z.string(),
  position: z.number().int().describe('Reading order within the report'),
  status: z.enum(['partial', 'completed']),
  payload: sectionPayloadSchema.partial(),
  generatedAt: z.string(),
});

/** 202 of `generate`: a new job, or the identical job already running (joined, free). */
export const reportStartedSchema = z.union([
  z.object({ reportId: z.uuid(), jobId: z.string(), status: z.literal('running') }),
  z.object({ reportId: z.uuid(), jobId: z.null(), status: z.literal('running'), inFlight: z.literal(true) }),
]);

export type ReportStarted = z.output<typeof reportStartedSchema>;
