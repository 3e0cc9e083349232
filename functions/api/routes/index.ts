import type { Route } from '../router.ts';
import { icpRoutes } from './icp.ts';
import { organisationRoutes } from './organisation.ts';
import { partnerRoutes } from './partners.ts';

export const apiRoutes: Route[] = [...organisationRoutes, ...partnerRoutes, ...icpRoutes];
