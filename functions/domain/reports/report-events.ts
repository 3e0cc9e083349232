import * as z from 'zod';
import { sectionPayloadSchema } from './report-types.ts';

/**
 * What the SSE stream tells clients, derived from changes to report and section items. Pure: the
 * stream projector feeds it images and writes what it returns. The event payloads are zod schemas so the
 * OpenAPI document and typed clients describe exactly what is sent.
 */
export const sectionStatuses = ['partial', 'completed'] as const;

export const sectionCompletedDataSchema = z.object({
  reportId: z.string(),
  sectionId: z.string(),
  status: z.enum(sectionStatuses).describe('`partial` while the section streams, `completed` once final'),
  payload: sectionPayloadSchema
    .partial()
    .nullable()
    .describe('The section so far; a later event for the same sectionId replaces it'),
  sectionGeneratedAt: z.string().describe('ISO 8601, when this state of the section was written'),
});

export const jobCompletedDataSchema = z.object({ reportId: z.string() });

export const jobFailedDataSchema = z.object({
  reportId: z.string(),
  errorMessage: z
    .string()
    .describe('Why the report failed; `stream-timeout` when only the stream ended (reconnect to go on)'),
});

export type ReportEvent =
  | { type: 'section.completed'; data: z.output<typeof sectionCompletedDataSchema> }
  | { type: 'job.completed'; data: z.output<typeof jobCompletedDataSchema> }
  | { type: 'job.failed'; data: z.output<typeof jobFailedDataSchema> };

export type ReportEventType = ReportEvent['type'];

/** The JSON on the `data:` line of one kind of event, as a client parses it. */
export type ReportEventData<Type extends ReportEventType> = Extract<ReportEvent, { type: Type }>['data'];

/** The events after which a job is over: it completed, or it failed. */
export type TerminalReportEvent = Extract<ReportEvent, { type: 'job.completed' | 'job.failed' }>;

/** Which report item changed: the report itself (its status) or one of its sections. */
export type ReportItemKind = 'report' | 'section';

export interface ItemChange {
  kind: ReportItemKind;
  newImage: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
}

const sectionEvent = (image: Record<string, unknown>): ReportEvent => ({
  type: 'section.completed',
  data: {
    reportId: String(image.reportId),
    sectionId: String(image.sectionId),
    status: image.status === 'partial' ? 'partial' : 'completed',
    // The worker writes payloads built from sectionPayloadSchema; partials lack fields still being written.
    payload: (image.payload ?? null) as z.output<typeof sectionCompletedDataSchema>['payload'],
    sectionGeneratedAt: String(image.generatedAt ?? image.updatedAt ?? ''),
  },
});

function statusEvent(change: ItemChange): ReportEvent | undefined {
  const status = change.newImage.status;
  if (status === change.oldImage?.status) return undefined;
  const reportId = String(change.newImage.reportId);
  if (status === 'completed') return { type: 'job.completed', data: { reportId } };
  if (status === 'failed') {
    return { type: 'job.failed', data: { reportId, errorMessage: String(change.newImage.errorMessage ?? 'unknown') } };
  }
  return undefined;
}

/** A section write (new or an updated partial) or a terminal status change becomes one event. */
export function reportEventFor(change: ItemChange): ReportEvent | undefined {
  return change.kind === 'section' ? sectionEvent(change.newImage) : statusEvent(change);
}

/**
 * Stream sequence numbers are decimal strings of up to 40 digits that grow within a shard. Zero-padding
 * makes their text order equal their numeric order, so the event log's sort key is the SSE event id.
 */
export function eventIdFromSequenceNumber(sequenceNumber: string): string {
  return sequenceNumber.padStart(40, '0');
}
