/**
 * The API describes itself over real HTTP on the local stack: GET /openapi.json through the HTTP function's
 * router without a key, and the local server's reference page at /docs with every file it loads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import { organisationSummarySchema } from '../../functions/domain/access/organisation-summary.ts';
import { knowledgeDocumentMetadataSchema, knowledgeDocumentSchema } from '../../functions/domain/knowledge/document.ts';
import { partnerPageSchema, partnerSchema } from '../../functions/domain/partners/partner.ts';
import { reportSchema, reportSectionSchema } from '../../functions/domain/reports/report-types.ts';
import { strategyViewSchema } from '../../functions/domain/strategy/strategy-view.ts';
import { putReportSection } from '../../functions/stores/report-store.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { createRunningReport } from '../support/running-report.ts';
import { bearer, createTenant } from '../support/tenants.ts';

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

/**
 * The schemas the document gives for JSON answers are the answers: parsing with them drops no field (zod strips
 * unknown keys, so an answer with a field the schema lacks would not come back equal) and changes no value.
 */
describe('JSON answers match the schemas of the document', () => {
  test('organisation, partners, strategy, knowledge documents and reports', async () => {
    const tenant = await createTenant();
    const call = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${local.stack.baseUrl}${path}`, {
        ...init,
        headers: { ...bearer(tenant), 'content-type': 'application/json', ...init.headers },
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const expectShape = (answer: { status: number; body: unknown }, status: number, schema: z.ZodType) => {
      expect(answer.status).toBe(status);
      expect(schema.parse(answer.body)).toEqual(answer.body);
    };
    expectShape(await call('/api/organisation'), 200, organisationSummarySchema);
    const partner = { name: 'Globex', type: 'technology', tier: 'gold', region: 'EMEA', revenue: 1000, tags: ['x'] };
    const created = await call('/api/partners', { method: 'POST', body: JSON.stringify(partner) });
    expectShape(created, 201, partnerSchema);
    expectShape(await call('/api/partners?limit=1'), 200, partnerPageSchema);
    expectShape(await call('/api/strategy'), 200, strategyViewSchema);
    const document = { title: 'Playbook', content: '# Co-sell\n\nWork with partners.', source: 'wiki' };
    const uploaded = await call('/api/knowledge-base/docs/documents', {
      method: 'POST',
      body: JSON.stringify(document),
    });
    expectShape(uploaded, 201, knowledgeDocumentMetadataSchema);
    const { documentId } = uploaded.body as { documentId: string };
    expectShape(await call(`/api/knowledge-base/docs/documents/${documentId}`), 200, knowledgeDocumentSchema);

    const now = new Date().toISOString();
    const reportId = await createRunningReport(tenant, now);
    await putReportSection(tenant.organisationId, {
      reportId,
      sectionId: 'overview',
      position: 0,
      status: 'partial',
      payload: { title: 'Overview', highlights: ['Growing'] },
      generatedAt: now,
    });
    expectShape(await call('/api/reports'), 200, z.object({ reports: z.array(reportSchema) }));
    const withSections = reportSchema.extend({ sections: z.array(reportSectionSchema) });
    expectShape(await call(`/api/reports/${reportId}`), 200, withSections);
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
