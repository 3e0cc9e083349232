/**
 * Nelson's tools: read-only views of one organisation's data, built per request with the caller's
 * organisation id closed over, so the model can never name another organisation. Lookups by id check
 * ownership and answer "not found" for anything else, exactly like the REST API's 404. Every tool returns
 * plain JSON data; the system prompt tells the model that this data is never instructions.
 */
import { tool } from 'ai';
import { z } from 'zod';
import { retrieveKnowledge } from '../ai/retrieve-knowledge.ts';
import { defaultNamespace, namespaceSchema } from '../domain/knowledge/document.ts';
import { type Partner, partnerStatuses, partnerTiers, partnerTypes } from '../domain/partners/partner.ts';
import { reportStatuses, reportTypes } from '../domain/reports/report-types.ts';
import { readReport } from '../reports/read-report.ts';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { listAllPartners, getPartner as readPartner } from '../stores/partner-store.ts';
import { listReportSections, listReports, type Report } from '../stores/report-store.ts';
import { getStrategy as readStrategy } from '../stores/strategy-store.ts';

const maxListed = 25;
const knowledgeResults = 6;

/**
 * Store failures reach the model (and, as the tool's error text, the user) only as a safe sentence; the
 * details stay in the log.
 */
async function reading<Result>(what: string, read: () => Promise<Result>): Promise<Result> {
  try {
    return await read();
  } catch (error) {
    logger.error('Chat tool failed', { error: safeErrorSummary(error), what });
    throw new Error(`Nelson could not read ${what} right now. Try again shortly.`);
  }
}

const partnerSummary = ({ createdAt: _createdAt, ...partner }: Partner) => partner;

const reportSummary = (report: Report) => ({
  reportId: report.reportId,
  reportType: report.reportType,
  status: report.status,
  orgName: report.orgName,
  domain: report.domain,
  filters: report.filters,
  createdAt: report.createdAt,
  updatedAt: report.updatedAt,
  ...(report.errorMessage ? { errorMessage: report.errorMessage } : {}),
});

const notFound = (what: string) => ({
  found: false as const,
  message: `No ${what} with this id in your organisation.`,
});

const byName = (a: Partner, b: Partner) => a.name.localeCompare(b.name);

/** Built once per process: tool schemas are converted to JSON Schema for every model call. */
const toolInputSchemas = {
  searchPartners: z.object({
    type: z.enum(partnerTypes).optional().describe('Only partners of this type'),
    tier: z.enum(partnerTiers).optional().describe('Only partners in this tier'),
    status: z.enum(partnerStatuses).optional().describe('Only partners with this status'),
    region: z.string().trim().min(1).max(100).optional().describe('Exact region as recorded, e.g. "EMEA"'),
    tag: z.string().trim().min(1).max(60).optional().describe('Only partners carrying this exact tag'),
    nameContains: z.string().trim().min(1).max(200).optional().describe('Case-insensitive part of the name'),
    limit: z.number().int().min(1).max(maxListed).default(10).describe(`How many to return, at most ${maxListed}`),
  }),
  getPartner: z.object({ partnerId: z.uuid().describe('The partner’s id (a UUID)') }),
  getStrategy: z.object({}),
  searchKnowledge: z.object({
    query: z.string().trim().min(1).max(1000).describe('What to look for, in natural language'),
    namespace: namespaceSchema.default(defaultNamespace).describe('Knowledge-base namespace, usually "default"'),
  }),
  listReports: z.object({
    reportType: z.enum(reportTypes).optional().describe('Only reports of this type'),
    status: z.enum(reportStatuses).optional().describe('Only reports with this status'),
    limit: z.number().int().min(1).max(maxListed).default(10).describe(`How many to return, at most ${maxListed}`),
  }),
  getReport: z.object({ reportId: z.uuid().describe('The report’s id (a UUID)') }),
};

export function createChatTools(organisationId: string) {
  return {
    searchPartners: tool({
      description:
        'Search and list the organisation’s partner roster, optionally filtered by type, tier, status, region, ' +
        'tag or part of the name. Returns matching partners (id, name, type, tier, region, status, revenue, tags).',
      inputSchema: toolInputSchemas.searchPartners,
      execute: ({ nameContains, limit, ...filters }) =>
        reading('the partner roster', async () => {
          const wanted = nameContains?.toLowerCase();
          const matches = (await listAllPartners(organisationId, filters))
            .filter((partner) => wanted === undefined || partner.name.toLowerCase().includes(wanted))
            .sort(byName);
          return { totalMatches: matches.length, partners: matches.slice(0, limit).map(partnerSummary) };
        }),
    }),

    getPartner: tool({
      description:
        'Get one partner by its partnerId with all details: the partner the user is looking at, or one found ' +
        'with searchPartners.',
      inputSchema: toolInputSchemas.getPartner,
      execute: ({ partnerId }) =>
        reading('that partner', async () => {
          // The key includes the organisation: another organisation's partner id simply finds nothing.
          const partner = await readPartner(organisationId, partnerId.toLowerCase());
          return partner ? { found: true as const, partner } : notFound('partner');
        }),
    }),

    getStrategy: tool({
      description:
        'Get the organisation’s current strategy: Ideal Customer Profile (ICP), Ideal Partner Profile (IPP) and ' +
        'recommended partner types. A missing part is null (not generated yet).',
      inputSchema: toolInputSchemas.getStrategy,
      execute: () =>
        reading('the strategy', async () => {
          const [icp, ipp, partnerTypes] = await Promise.all([
            readStrategy(organisationId, 'icp'),
            readStrategy(organisationId, 'ipp'),
            readStrategy(organisationId, 'partnerTypes'),
          ]);
          return { icp: icp ?? null, ipp: ipp ?? null, partnerTypes: partnerTypes ?? null };
        }),
    }),

    searchKnowledge: tool({
      description:
        'Search the organisation’s knowledge base documents (playbooks, program guides, notes). Returns the most ' +
        'relevant excerpts with their source ids; cite those ids when you use them.',
      inputSchema: toolInputSchemas.searchKnowledge,
      execute: ({ query, namespace }) =>
        reading('the knowledge base', async () => {
          const chunks = await retrieveKnowledge(organisationId, namespace, query, knowledgeResults);
          return {
            namespace,
            results: chunks.map(({ sourceId, title, section, source, text }) => ({
              sourceId,
              title,
              ...(section ? { section } : {}),
              ...(source ? { source } : {}),
              text,
            })),
          };
        }),
    }),

    listReports: tool({
      description:
        'List the organisation’s generated reports (executive summaries, annual and quarterly reviews), newest ' +
        'first, with their status. Use getReport to read one.',
      inputSchema: toolInputSchemas.listReports,
      execute: ({ reportType, status, limit }) =>
        reading('the reports', async () => {
          const matches = (await listReports(organisationId)).filter(
            (report) =>
              report.organisationId === organisationId &&
              (reportType === undefined || report.reportType === reportType) &&
              (status === undefined || report.status === status),
          );
          return { totalMatches: matches.length, reports: matches.slice(0, limit).map(reportSummary) };
        }),
    }),

    getReport: tool({
      description: 'Get one report by its reportId, with all its sections (title, summary, highlights, metrics).',
      inputSchema: toolInputSchemas.getReport,
      execute: ({ reportId }) =>
        reading('that report', async () => {
          // The same read as GET /api/reports/{id}: another organisation's report is not found.
          const report = await readReport(reportId.toLowerCase(), organisationId);
          if (!report) return notFound('report');
          const sections = await listReportSections(report.reportId);
          return {
            found: true as const,
            report: reportSummary(report),
            sections: sections.map(({ sectionId, status, payload }) => ({ sectionId, status, ...payload })),
          };
        }),
    }),
  };
}

export type ChatTools = ReturnType<typeof createChatTools>;
