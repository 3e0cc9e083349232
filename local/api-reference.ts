/**
 * The API reference page of the local server: `GET /docs` renders /openapi.json (served by the API itself) with
 * Swagger UI. Every file comes from this server, the renderer from swagger-ui-dist in node_modules, so the page
 * works offline and loads nothing from elsewhere. Like the playground, it is the local server's own page; the
 * deployed API serves /openapi.json only.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { LocalRequestHandler } from './static-files.ts';

const swaggerUiDirectory = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The renderer's files the page loads, and their types; nothing else of the package is served. */
const rendererFiles: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>PartnerOS AI API reference</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/reference.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to an online validator for its badge.
const startScript = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
});
`;

/** Scripts only from this server (no inline code); Swagger UI sets inline styles and data-URI images. */
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export function apiReferencePage(): LocalRequestHandler {
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const pathname = new URL(request.url ?? '/', 'http://local').pathname;
    let body: string | Buffer;
    let contentType: string;
    if (pathname === '/docs' || pathname === '/docs/') {
      [body, contentType] = [page, 'text/html; charset=utf-8'];
    } else if (pathname === '/docs/reference.js') {
      [body, contentType] = [startScript, 'text/javascript; charset=utf-8'];
    } else if (pathname.startsWith('/docs/') && rendererFiles[pathname.slice('/docs/'.length)]) {
      const name = pathname.slice('/docs/'.length);
      body = await readFile(path.join(swaggerUiDirectory, name));
      contentType = rendererFiles[name] as string;
    } else return false;
    response.writeHead(200, {
      ...securityHeaders,
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
}

/** Asks each handler in turn; the first that answers wins. */
export function firstAnswering(...handlers: Array<LocalRequestHandler | undefined>): LocalRequestHandler {
  const present = handlers.filter((handler) => handler !== undefined);
  return async (request, response) => {
    for (const handler of present) {
      if (await handler(request, response)) return true;
    }
    return false;
  };
}
