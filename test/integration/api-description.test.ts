/**
 * The API describes itself over real HTTP on the local stack: GET /openapi.json through the HTTP function's
 * router without a key, and the local server's reference page at /docs with every file it loads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { useLocalStack } from '../support/local-stack-fixture.ts';

const local = useLocalStack({ pollers: false });
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('GET /openapi.json', () => {
  test('answers the committed document without a key', async () => {
    const response = await fetch(`${local.stack.baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const committed = JSON.parse(readFileSync(path.join(root, 'docs/openapi.json'), 'utf8'));
    expect(await response.json()).toEqual(committed);
  });

  test('ignores a wrong key rather than refusing the request', async () => {
    const response = await fetch(`${local.stack.baseUrl}/openapi.json`, {
      headers: { authorization: 'Bearer pos_not-a-key' },
    });
    expect(response.status).toBe(200);
  });

  test('another method is 405 like any known path', async () => {
    const response = await fetch(`${local.stack.baseUrl}/openapi.json`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  test('the API routes still need a key', async () => {
    const response = await fetch(`${local.stack.baseUrl}/api/organisation`);
    expect(response.status).toBe(401);
  });
});

describe('GET /docs', () => {
  test('serves the reference page and every script, style and icon it loads', async () => {
    const response = await fetch(`${local.stack.baseUrl}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(assets).toEqual(
      expect.arrayContaining(['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/reference.js']),
    );
    // Everything from this server: no absolute URL to another host.
    expect(assets.filter((asset) => !asset.startsWith('/'))).toEqual([]);
    for (const asset of assets) {
      const assetResponse = await fetch(`${local.stack.baseUrl}${asset}`);
      expect([asset, assetResponse.status]).toEqual([asset, 200]);
      expect((await assetResponse.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
  });

  test('the page renders /openapi.json and sends it to no online validator', async () => {
    const script = await (await fetch(`${local.stack.baseUrl}/docs/reference.js`)).text();
    expect(script).toContain("url: '/openapi.json'");
    expect(script).toContain('validatorUrl: null');
  });

  test('serves only the renderer files it names', async () => {
    const response = await fetch(`${local.stack.baseUrl}/docs/package.json`);
    expect(response.status).toBe(404);
  });
});
