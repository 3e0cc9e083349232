import * as z from 'zod';

/** The report queue's message: one report to generate for one organisation. */
export const reportJobMessageSchema = z.strictObject({
  type: z.literal('report.generate'),
  reportId: z.uuid(),
  jobId: z.uuid(),
  organisationId: z.uuid(),
});

export type ReportJobMessage = z.output<typeof reportJobMessageSchema>;
