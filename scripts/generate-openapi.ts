/**
 * `npm run openapi`: writes docs/openapi.json from the router table and the zod schemas. Run it after changing
 * a route or a schema; test/unit/openapi.test.ts fails while the committed file is out of date.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../functions/api/openapi/openapi-document.ts';
import { routerTable } from '../functions/api/routes/index.ts';
import packageJson from '../package.json' with { type: 'json' };

export const openApiFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/openapi.json');

const document = buildOpenApiDocument(routerTable, packageJson.version);
await writeFile(openApiFile, `${JSON.stringify(document, null, 2)}\n`);
console.log(`Wrote ${path.relative(process.cwd(), openApiFile)} (${Object.keys(document.paths ?? {}).length} paths)`);
