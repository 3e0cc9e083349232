import type { OrganisationSummary } from '../../domain/access/organisation-summary.ts';
import { currentQuotaStatus, requestsPerMinuteLimit } from '../quota-gate.ts';
import { jsonResponse } from '../responses.ts';
import type { Route, RouteContext } from '../router.ts';

/** Who the key belongs to, how much AI quota is left this month and the organisation's AI rate limit. */
async function describeOrganisation({ caller }: RouteContext) {
  const { organisationId, name } = caller.organisation;
  return jsonResponse(200, {
    organisationId,
    name,
    userEmail: caller.userEmail,
    keyId: caller.keyId,
    quota: await currentQuotaStatus(caller.organisation),
    rateLimit: { aiRequestsPerMinute: requestsPerMinuteLimit(caller.organisation) },
  } satisfies OrganisationSummary);
}

export const organisationRoutes: Route[] = [
  { method: 'GET', pattern: '/api/organisation', handle: describeOrganisation },
];
