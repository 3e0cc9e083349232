import type { ApiResponse } from '../http-types.ts';
import type { Route } from '../router.ts';

let documentText: Promise<string> | undefined;

/**
 * The document generated at build time (docs/openapi.json, `npm run openapi`), imported on the first request
 * to this route only: esbuild bundles it as a lazily evaluated module, so the other routes' cold start does not
 * build it, and no generator is bundled at all.
 */
function openApiText(): Promise<string> {
  documentText ??= import('../../../docs/openapi.json', { with: { type: 'json' } }).then((module) =>
    JSON.stringify(module.default),
  );
  return documentText;
}

async function serveOpenApiDocument(): Promise<ApiResponse> {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' },
    body: await openApiText(),
  };
}

/** Public: the document describes the API and holds no organisation's data. */
export const openApiRoutes: Route[] = [
  { method: 'GET', pattern: '/openapi.json', public: true, handle: serveOpenApiDocument },
];
