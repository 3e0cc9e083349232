/**
 * The API reference page (`/docs` on the local stack) in headless Debian Chromium: Swagger UI renders every
 * operation of /openapi.json, the page's Content-Security-Policy lets it run, and the browser requests nothing
 * from any other origin. Skipped without /usr/bin/chromium, like the playground test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type BrowserContext, chromium } from 'playwright-core';
import { useLocalStack } from '../support/local-stack-fixture.ts';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) console.warn(`Skipping the API reference browser test: no Chromium at ${chromiumPath}.`);
const describeInBrowser = hasChromium ? describe : describe.skip;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const openApiDocument = JSON.parse(readFileSync(path.join(root, 'docs/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};
const operationCount = Object.values(openApiDocument.paths).reduce(
  (count, item) => count + Object.keys(item).length,
  0,
);

describeInBrowser('API reference page in headless Chromium', () => {
  const local = useLocalStack({ pollers: false });
  let userDataDir: string;
  let context: BrowserContext;

  beforeAll(async () => {
    userDataDir = await mkdtemp(path.join(os.tmpdir(), 'api-reference-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  test('renders every operation from files of the local server only', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    const foreignRequests: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.origin !== local.stack.baseUrl) foreignRequests.push(request.url());
    });
    await page.goto(`${local.stack.baseUrl}/docs`);
    await page.waitForFunction((count) => document.querySelectorAll('.opblock').length === count, operationCount, {
      polling: 50,
      timeout: 30_000,
    });
    expect(await page.locator('.opblock-summary-path').allTextContents()).toEqual(
      expect.arrayContaining(['/api/ai/icp', '/api/ai/strategy/executive-summary/stream', '/openapi.json']),
    );
    expect(foreignRequests).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);
});
