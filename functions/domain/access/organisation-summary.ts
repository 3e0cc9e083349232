import * as z from 'zod';
import { organisationUsageSchema } from '../usage/model-usage.ts';
import { quotaStatusSchema } from './quota.ts';

/** `GET /api/organisation`: who the key belongs to, this month's AI quota and model usage, and the AI rate limit. */
export const organisationSummarySchema = z.object({
  organisationId: z.string(),
  name: z.string(),
  userEmail: z.string().describe('The email the API key was issued for'),
  keyId: z.string().describe('The public id of the API key (used to revoke it)'),
  quota: quotaStatusSchema,
  usage: organisationUsageSchema,
  rateLimit: z.object({ aiRequestsPerMinute: z.number().int() }),
});

export type OrganisationSummary = z.output<typeof organisationSummarySchema>;
