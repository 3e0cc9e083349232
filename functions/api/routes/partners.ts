import { randomUUID } from 'node:crypto';
import { partnerInputSchema, partnerListQuerySchema, partnerUpdateSchema } from '../../domain/partners/partner.ts';
import { isoNow } from '../../runtime/clock.ts';
import { deletePartner, getPartner, listPartners, putPartner, updatePartner } from '../../stores/partner-store.ts';
import { notFound } from '../api-error.ts';
import { jsonResponse, noContent } from '../responses.ts';
import type { Route } from '../router.ts';
import { parseJsonBody, parseQuery, resourceIdParam } from '../validation.ts';

const partnerNotFound = () => notFound('Partner');

const partnerIdOf = (params: Record<string, string>) => resourceIdParam(params, 'partnerId', 'Partner');

export const partnerRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/api/partners',
    async handle({ request, caller }) {
      const input = parseJsonBody(request, partnerInputSchema);
      const now = isoNow();
      const partner = { ...input, partnerId: randomUUID(), createdAt: now, updatedAt: now };
      await putPartner(caller.organisation.organisationId, partner);
      return jsonResponse(201, partner);
    },
  },
  {
    method: 'GET',
    pattern: '/api/partners',
    async handle({ request, caller }) {
      const { limit, cursor, ...filters } = parseQuery(request, partnerListQuerySchema);
      return jsonResponse(200, await listPartners(caller.organisation.organisationId, filters, limit, cursor));
    },
  },
  {
    method: 'GET',
    pattern: '/api/partners/:partnerId',
    async handle({ caller, params }) {
      const partner = await getPartner(caller.organisation.organisationId, partnerIdOf(params));
      if (!partner) throw partnerNotFound();
      return jsonResponse(200, partner);
    },
  },
  {
    method: 'PATCH',
    pattern: '/api/partners/:partnerId',
    async handle({ request, caller, params }) {
      const update = parseJsonBody(request, partnerUpdateSchema);
      const partner = await updatePartner(caller.organisation.organisationId, partnerIdOf(params), update, isoNow());
      if (!partner) throw partnerNotFound();
      return jsonResponse(200, partner);
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/partners/:partnerId',
    async handle({ caller, params }) {
      if (!(await deletePartner(caller.organisation.organisationId, partnerIdOf(params)))) throw partnerNotFound();
      return noContent();
    },
  },
];
