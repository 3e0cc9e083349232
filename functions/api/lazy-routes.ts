import type { Route } from './router.ts';

/** A route's method and pattern, e.g. `POST /api/ai/chat`. */
export type RouteKey = `${Route['method']} /${string}`;

/** Routes whose module is imported on their first request rather than when the function starts. */
export interface LazyRouteGroup {
  /** Every route of the module, known before it loads so the router can answer 404 and 405 without it. */
  keys: readonly RouteKey[];
  load(): Promise<Route[]>;
}

export const routeKeyOf = (route: Pick<Route, 'method' | 'pattern'>): RouteKey =>
  `${route.method} ${route.pattern}` as RouteKey;

/**
 * The group's routes with handlers that import the module on first use (once; a failed import is retried
 * by the next request). The module's code, and its source map, is then read and compiled only when one of its
 * routes runs, after authentication, instead of in every cold start.
 */
export function routesLoadedOnFirstUse({ keys, load }: LazyRouteGroup): Route[] {
  let loading: Promise<Map<RouteKey, Route>> | undefined;
  const loaded = () => {
    loading ??= load().then(
      (routes) => new Map(routes.map((route) => [routeKeyOf(route), route])),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
  return keys.map((key) => {
    const [method, pattern] = key.split(' ') as [Route['method'], string];
    return {
      method,
      pattern,
      async handle(context) {
        const route = (await loaded()).get(key);
        if (!route) throw new Error(`The module of ${key} has no such route`);
        return route.handle(context);
      },
    };
  });
}
