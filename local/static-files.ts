/**
 * The local playground's static files, answered by the local HTTP server before a request would become a
 * Function URL event: `GET /` is playground/dist/index.html and `GET /playground/<file>` a file of the
 * bundle. The Lambda handler never sees these paths (on AWS the API serves no page at all).
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

/** Answers the request and returns true, or returns false to pass it on to the function. */
export type LocalRequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

const assetPrefix = '/playground/';

/**
 * The page talks to the API on its own origin by default; `connect-src` also allows another base URL the
 * user types in (any http/https origin), nothing else loads from outside.
 */
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self' http: https:; img-src 'self' data:; style-src 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Always the freshly built bundle after a restart.
  'cache-control': 'no-cache',
};

export function staticFiles(directory: string): LocalRequestHandler {
  const root = path.resolve(directory);
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const pathname = new URL(request.url ?? '/', 'http://local').pathname;
    let relative: string;
    if (pathname === '/' || pathname === '/index.html') relative = 'index.html';
    else if (pathname.startsWith(assetPrefix)) {
      try {
        relative = decodeURIComponent(pathname.slice(assetPrefix.length));
      } catch {
        return notFound(response);
      }
    } else return false;

    const file = path.resolve(root, relative);
    const contentType = contentTypes[path.extname(file)];
    // Nothing outside the bundle directory, and only the kinds of files a bundle has.
    if (!file.startsWith(root + path.sep) || !contentType) return notFound(response);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return notFound(response);
    }
    response.writeHead(200, { ...securityHeaders, 'content-type': contentType, 'content-length': body.length });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
}

function notFound(response: ServerResponse): true {
  response.writeHead(404, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: 'No such playground file. Is the playground built?', code: 'not_found' }));
  return true;
}
