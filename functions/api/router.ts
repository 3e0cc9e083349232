import { ApiError } from './api-error.ts';
import { authenticate, type Caller } from './authenticate.ts';
import type { ApiRequest, ApiResponse } from './http-types.ts';

export interface RouteContext {
  request: ApiRequest;
  caller: Caller;
  /** Values of `:name` segments in the route pattern. */
  params: Record<string, string>;
}

interface RouteAddress {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. `/api/partners/:partnerId` */
  pattern: string;
}

/** A route that needs an API key: it reads or changes an organisation's data. */
export interface KeyedRoute extends RouteAddress {
  public?: false;
  handle(context: RouteContext): Promise<ApiResponse>;
}

/** What the router learned about a request, for its metrics: filled in as far as the request got. */
export interface RouteObservation {
  /** `METHOD /pattern` of the matched route: bounded, so it can be a metric dimension. */
  route?: string;
  /** Once the key is accepted; a property of metrics and logs, never a dimension. */
  organisationId?: string;
}

/** A route answered without a key (the API's own description); it must not touch any organisation's data. */
export interface PublicRoute extends RouteAddress {
  public: true;
  handle(context: Omit<RouteContext, 'caller'>): Promise<ApiResponse>;
}

export type Route = KeyedRoute | PublicRoute;

type CompiledRoute = Route & {
  matcher: RegExp;
  paramNames: string[];
};

function compile(route: Route): CompiledRoute {
  const paramNames: string[] = [];
  const source = route.pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      paramNames.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { ...route, matcher: new RegExp(`^${source}/?$`), paramNames };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError('not_found', 'No such endpoint.');
  }
}

/**
 * Resolves the route first (404/405 need no key), then authenticates, then runs the route. Every route
 * requires an API key, because every one reads or changes an organisation's data, except the public ones that
 * describe the API itself; quota is charged by the routes that do AI work.
 */
export function createRouter(
  routes: Route[],
): (request: ApiRequest, observation?: RouteObservation) => Promise<ApiResponse> {
  const compiled = routes.map(compile);
  return async (request, observation = {}) => {
    const candidates = compiled
      .map((route) => ({ route, match: route.matcher.exec(request.path) }))
      .filter((candidate) => candidate.match !== null);
    if (candidates.length === 0) throw new ApiError('not_found', 'No such endpoint.');
    const chosen = candidates.find((candidate) => candidate.route.method === request.method);
    if (!chosen?.match) {
      const allowed = [...new Set(candidates.map((candidate) => candidate.route.method))].join(', ');
      throw new ApiError('method_not_allowed', `Use ${allowed} on this endpoint.`, undefined, { allow: allowed });
    }
    const { route, match } = chosen;
    observation.route = `${route.method} ${route.pattern}`;
    const params = Object.fromEntries(
      route.paramNames.map((name, index) => [name, safeDecode(match[index + 1] ?? '')]),
    );
    if (route.public) return route.handle({ request, params });
    const caller = await authenticate(request);
    observation.organisationId = caller.organisation.organisationId;
    return route.handle({ request, caller, params });
  };
}
