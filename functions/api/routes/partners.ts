import { randomUUID } from 'node:crypto';
import { partnerInputSchema, partnerListQuerySchema, partnerUpdateSchema } from '../../domain/partners/partner.ts';
import { isoNow } from '../../runtime/clock.ts';
import { deletePartner, getPartner, listPartners, putPartner, updatePartner } from '../../stores/partner-store.ts';
import { notFound } from '../api-error.ts';
import { idempotent } from '../idempotency.ts';
import { jsonResponse, noContent } from '../responses.ts';
import type { Route, RouteContext } from '../router.ts';
import { parseJsonBody, parseQuery, resourceIdParam } from '../validation.ts';

const partnerNotFound = () => notFound('Partner');

const partnerIdOf = (params: Record<string, string>) => resourceIdParam(params, 'partnerId', 'Partner');

async function createPartner({ request, caller }: RouteContext) {
  const input = parseJsonBody(request, partnerInputSchema);
  const now = isoNow();
  const partner = { ...input, partnerId: randomUUID(), createdAt: now, updatedAt: now };
  await putPartner(caller.organisation.organisationId, partner);
  return jsonResponse(201, partner);
}

async function listPartnersPage({ request, caller }: RouteContext) {
  const { limit, cursor, ...filters } = parseQuery(request, partnerListQuerySchema);
  return jsonResponse(200, await listPartners(caller.organisation.organisationId, filters, limit, cursor));
}

async function showPartner({ caller, params }: RouteContext) {
  const partner = await getPartner(caller.organisation.organisationId, partnerIdOf(params));
  if (!partner) throw partnerNotFound();
  return jsonResponse(200, partner);
}

async function editPartner({ request, caller, params }: RouteContext) {
  const update = parseJsonBody(request, partnerUpdateSchema);
  const partner = await updatePartner(caller.organisation.organisationId, partnerIdOf(params), update, isoNow());
  if (!partner) throw partnerNotFound();
  return jsonResponse(200, partner);
}

async function removePartner({ caller, params }: RouteContext) {
  if (!(await deletePartner(caller.organisation.organisationId, partnerIdOf(params)))) throw partnerNotFound();
  return noContent();
}

export const partnerRoutes: Route[] = [
  { method: 'POST', pattern: '/api/partners', handle: idempotent(createPartner) },
  { method: 'GET', pattern: '/api/partners', handle: listPartnersPage },
  { method: 'GET', pattern: '/api/partners/:partnerId', handle: showPartner },
  { method: 'PATCH', pattern: '/api/partners/:partnerId', handle: editPartner },
  { method: 'DELETE', pattern: '/api/partners/:partnerId', handle: removePartner },
];
