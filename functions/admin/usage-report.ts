import * as z from 'zod';
import { quotaPeriod } from '../domain/access/quota.ts';
import type { OrganisationUsage } from '../domain/usage/model-usage.ts';
import { getOrganisation } from '../stores/organisation-store.ts';
import { readUsage } from '../stores/usage-store.ts';

export const usageMonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Expected a month as YYYY-MM');

/** The admin CLI's `usage show`: an organisation's model tokens for a UTC month (the current one by default). */
export async function showUsage(
  organisationId: string,
  month?: string,
): Promise<{ organisationId: string } & OrganisationUsage> {
  const period = month === undefined ? quotaPeriod(new Date()) : usageMonthSchema.parse(month);
  if (!(await getOrganisation(organisationId))) throw new Error(`No organisation ${organisationId}`);
  return { organisationId, ...(await readUsage(organisationId, period)) };
}
