import type { Route } from '../router.ts';
import { chatRoutes } from './chat.ts';
import { icpRoutes } from './icp.ts';
import { knowledgeBaseRoutes } from './knowledge-base.ts';
import { openApiRoutes } from './openapi.ts';
import { organisationRoutes } from './organisation.ts';
import { partnerRoutes } from './partners.ts';
import { reportProgressRoutes } from './report-progress.ts';
import { reportRoutes } from './reports.ts';
import { strategyRoutes } from './strategy.ts';

export const apiRoutes: Route[] = [
  ...organisationRoutes,
  ...partnerRoutes,
  ...knowledgeBaseRoutes,
  ...icpRoutes,
  ...strategyRoutes,
  ...reportProgressRoutes,
  ...reportRoutes,
  ...chatRoutes,
];

/** Every route the HTTP function answers: the keyed API and the public routes that describe it. */
export const routerTable: Route[] = [...apiRoutes, ...openApiRoutes];
