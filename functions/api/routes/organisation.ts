import type { OrganisationSummary } from '../../domain/access/organisation-summary.ts';
import { quotaPeriod } from '../../domain/access/quota.ts';
import { readUsage } from '../../stores/usage-store.ts';
import { currentQuotaStatus, requestsPerMinuteLimit } from '../quota-gate.ts';
import { jsonResponse } from '../responses.ts';
import type { Route, RouteContext } from '../router.ts';

/** Who the key belongs to, this month's AI quota and model token usage, and the organisation's AI rate limit. */
async function describeOrganisation({ caller }: RouteContext) {
  const { organisationId, name } = caller.organisation;
  const now = new Date();
  const [quota, usage] = await Promise.all([
    currentQuotaStatus(caller.organisation, now),
    readUsage(organisationId, quotaPeriod(now)),
  ]);
  return jsonResponse(200, {
    organisationId,
    name,
    userEmail: caller.userEmail,
    keyId: caller.keyId,
    quota,
    usage,
    rateLimit: { aiRequestsPerMinute: requestsPerMinuteLimit(caller.organisation) },
  } satisfies OrganisationSummary);
}

export const organisationRoutes: Route[] = [
  { method: 'GET', pattern: '/api/organisation', handle: describeOrganisation },
];
