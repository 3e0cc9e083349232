import { type LazyRouteGroup, routesLoadedOnFirstUse } from '../lazy-routes.ts';
import type { Route } from '../router.ts';
import { openApiRoutes } from './openapi.ts';
import { organisationRoutes } from './organisation.ts';
import { partnerRoutes } from './partners.ts';

/**
 * Route groups imported on their first request: the AI SDK and the Bedrock provider, the chat tool loop,
 * knowledge upload and chunking, and report start (SQS) are left out of the cold start. Each is a chunk of its
 * own in the deployed bundle (lib/bundling). The keys must list the module's routes; a unit test checks it.
 */
export const lazyRouteGroups = {
  knowledgeBase: {
    keys: [
      'POST /api/knowledge-base/:namespace/documents',
      'GET /api/knowledge-base/:namespace/documents',
      'GET /api/knowledge-base/:namespace/documents/:documentId',
      'DELETE /api/knowledge-base/:namespace/documents/:documentId',
    ],
    load: async () => (await import('./knowledge-base.ts')).knowledgeBaseRoutes,
  },
  icp: {
    keys: ['POST /api/ai/icp'],
    load: async () => (await import('./icp.ts')).icpRoutes,
  },
  strategy: {
    keys: [
      'GET /api/strategy',
      'POST /api/ai/ipp',
      'POST /api/ai/strategy/partner-types',
      'POST /api/ai/partner-suggestions',
    ],
    load: async () => (await import('./strategy.ts')).strategyRoutes,
  },
  reportProgress: {
    keys: ['GET /api/ai/strategy/executive-summary/stream'],
    load: async () => (await import('./report-progress.ts')).reportProgressRoutes,
  },
  reports: {
    keys: ['POST /api/ai/strategy/executive-summary/generate', 'GET /api/reports', 'GET /api/reports/:reportId'],
    load: async () => (await import('./reports.ts')).reportRoutes,
  },
  chat: {
    keys: ['POST /api/ai/chat'],
    load: async () => (await import('./chat.ts')).chatRoutes,
  },
} satisfies Record<string, LazyRouteGroup>;

export const apiRoutes: Route[] = [
  ...organisationRoutes,
  ...partnerRoutes,
  ...Object.values(lazyRouteGroups).flatMap(routesLoadedOnFirstUse),
];

/** Every route the HTTP function answers: the keyed API and the public routes that describe it. */
export const routerTable: Route[] = [...apiRoutes, ...openApiRoutes];
