import * as z from 'zod';
import { organisationUsageSchema } from '../usage/model-usage.ts';

/** `GET /api/organisation`: who the key belongs to, this month's quota and model usage, and the rate limit. */
export const organisationResponseSchema = z.object({
  organisationId: z.string(),
  name: z.string(),
  userEmail: z.string(),
  keyId: z.string(),
  quota: z
    .object({
      period: z.string().describe('The UTC month, YYYY-MM'),
      limit: z.number().int(),
      used: z.number().int(),
      remaining: z.number().int(),
    })
    .describe('AI units this month'),
  usage: organisationUsageSchema,
  rateLimit: z.object({ aiRequestsPerMinute: z.number().int() }),
});
export type OrganisationResponse = z.infer<typeof organisationResponseSchema>;
