import { describe, expect, test } from '@jest/globals';
import type { ApiResponse } from '../../functions/api/http-types.ts';
import { routeKeyOf, routesLoadedOnFirstUse } from '../../functions/api/lazy-routes.ts';
import type { Route, RouteContext } from '../../functions/api/router.ts';
import { apiRoutes, lazyRouteGroups } from '../../functions/api/routes/index.ts';

const context = {} as RouteContext;
const answer = (body: string): ApiResponse => ({ statusCode: 200, headers: {}, body });

describe('route groups loaded on first use', () => {
  test.each(Object.entries(lazyRouteGroups))('%s declares exactly the routes its module has', async (_name, group) => {
    const loaded = (await group.load()).map(routeKeyOf);
    expect([...group.keys].sort()).toEqual(loaded.sort());
  });

  test('every method and pattern is routed once', () => {
    const keys = apiRoutes.map(routeKeyOf);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('the module is imported on the first request, once, and each route reaches its own handler', async () => {
    let loads = 0;
    const module: Route[] = [
      { method: 'GET', pattern: '/a', handle: async () => answer('a') },
      { method: 'POST', pattern: '/a', handle: async () => answer('post a') },
    ];
    const routes = routesLoadedOnFirstUse({
      keys: ['GET /a', 'POST /a'],
      load: async () => {
        loads += 1;
        return module;
      },
    });
    expect(loads).toBe(0);
    const [get, post] = routes as [Route, Route];
    expect((await get.handle(context)).body).toBe('a');
    expect((await post.handle(context)).body).toBe('post a');
    expect(loads).toBe(1);
  });

  test('a failed import is tried again by the next request', async () => {
    let attempts = 0;
    const [route] = routesLoadedOnFirstUse({
      keys: ['GET /b'],
      load: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('chunk missing');
        return [{ method: 'GET', pattern: '/b', handle: async () => answer('b') }];
      },
    }) as [Route];
    await expect(route.handle(context)).rejects.toThrow('chunk missing');
    expect((await route.handle(context)).body).toBe('b');
  });

  test('a declared route the module lacks fails its request instead of answering another route', async () => {
    const [route] = routesLoadedOnFirstUse({ keys: ['GET /c'], load: async () => [] }) as [Route];
    await expect(route.handle(context)).rejects.toThrow('GET /c');
  });
});
