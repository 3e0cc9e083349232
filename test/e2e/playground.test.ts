/**
 * The playground page (playground/, served by the local stack at `/`) in headless Debian Chromium, driven
 * with playwright-core: a user enters an API key, streams an ICP and an IPP (useObject), asks Nelson
 * (useChat) and generates a report followed over EventSource. The offline model streams slowly enough
 * (40 ms per chunk) that partial states are observable in the DOM. Skipped without /usr/bin/chromium
 * (`.ci/run` installs it). `npm run screenshot` reruns it and saves docs/playground.png.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { icpResultSchema } from '../../functions/domain/strategy/icp.ts';
import { ippResultSchema } from '../../functions/domain/strategy/ipp.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(
    `Skipping the playground end-to-end test: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH).`,
  );
}
const describeInBrowser = hasChromium ? describe : describe.skip;

/** Set by `npm run screenshot`: where to save a screenshot of the page after the whole flow. */
const screenshotPath = process.env.PLAYGROUND_SCREENSHOT;

/** What the machine's network allows, as root, with no first-run or background traffic (see README). */
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const icpFieldCount = Object.keys(icpResultSchema.shape).length;
const ippFieldCount = Object.keys(ippResultSchema.shape).length;
const executiveSummarySections = [
  'overview',
  'ecosystem-health',
  'top-partners',
  'opportunities',
  'risks',
  'recommendations',
];

interface PanelState {
  phase: string | null;
  fields: string[];
}

/** Waits until the panel's DOM satisfies `until`, checking every 20 ms; returns the state that did. */
async function waitForPanel(
  page: Page,
  testId: 'icp-panel' | 'ipp-panel',
  until: { phase: string; minFields: number },
  timeout = 30_000,
): Promise<PanelState> {
  const handle = await page.waitForFunction(
    ({ testId, until }) => {
      const panel = document.querySelector(`[data-testid="${testId}"]`);
      const phase = panel?.querySelector('[data-phase]')?.getAttribute('data-phase') ?? null;
      const fields = [...(panel?.querySelectorAll('[data-field]') ?? [])].map(
        (field) => field.getAttribute('data-field') ?? '',
      );
      return phase === until.phase && fields.length >= until.minFields ? { phase, fields } : false;
    },
    { testId, until },
    { polling: 20, timeout },
  );
  return (await handle.jsonValue()) as PanelState;
}

/** The page mid-report: two sections done, the next one being written, the earlier panels complete. */
async function saveScreenshot(page: Page, file: string) {
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="report-status"]')?.getAttribute('data-status') === 'running' &&
      document.querySelectorAll('[data-section] [data-status="completed"]').length >= 2 &&
      document.querySelector('[data-section] [data-status="partial"]') !== null,
    undefined,
    { polling: 20, timeout: 30_000 },
  );
  await mkdir(path.dirname(file), { recursive: true });
  // Tall enough for the section being written; not the full page, to keep the PNG small.
  await page.setViewportSize({ width: 1180, height: 1000 });
  await page.screenshot({ path: file });
  console.log(`Screenshot: ${file} (${Math.round((await stat(file)).size / 1024)} KB)`);
}

describeInBrowser('playground in headless Chromium', () => {
  const local = useLocalStack({
    playground: true,
    localBedrock: { latencyMs: { perChunkMs: 40 } },
    // One section at a time, so sections complete (and appear) one by one; SSE polls often.
    environment: { REPORT_SECTION_CONCURRENCY: '1', SSE_POLL_MIN_MS: '50', SSE_POLL_MAX_MS: '200' },
  });
  let tenant: TestTenant;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    tenant = await createTenant();
    for (const name of ['Hooli Cloud', 'Pied Piper']) {
      const response = await fetch(`${local.stack.baseUrl}/api/partners`, {
        method: 'POST',
        headers: { ...bearer(tenant), 'content-type': 'application/json' },
        body: JSON.stringify({ name, type: 'technology', tier: 'gold', region: 'EMEA' }),
      });
      expect(response.status).toBe(201);
    }
    userDataDir = await mkdtemp(path.join(os.tmpdir(), 'playground-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  test('the local server serves the page and its bundle without calling the function', async () => {
    const html = await fetch(`${local.stack.baseUrl}/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('x-request-id')).toBeNull(); // no Lambda invocation
    expect(await html.text()).toContain('/playground/app.js');
    const script = await fetch(`${local.stack.baseUrl}/playground/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${local.stack.baseUrl}/playground/..%2Findex.html`)).status).toBe(404);
    // Everything else still reaches the API.
    expect((await fetch(`${local.stack.baseUrl}/api/organisation`)).status).toBe(401);
  });

  test('the API key is entered once and kept in sessionStorage', async () => {
    await page.goto(`${local.stack.baseUrl}/`);
    await page.getByLabel('API key').fill(tenant.apiKey);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByTestId('organisation').getByText('quota').waitFor();
    expect(await page.getByTestId('organisation').textContent()).toMatch(
      /owner@acme.example.*up to 120 AI requests a minute/,
    );
    expect(await page.evaluate(() => Object.values(sessionStorage))).toContain(tenant.apiKey);
    expect(await page.getByLabel('Base URL').inputValue()).toBe(local.stack.baseUrl);
  });

  test('ICP fields render while the profile is still streaming, then the whole profile', async () => {
    const started = Date.now();
    await page.getByRole('button', { name: 'Generate ICP' }).click();
    const first = await waitForPanel(page, 'icp-panel', { phase: 'streaming', minFields: 1 });
    const firstAt = Date.now() - started;
    // Still streaming with more fields than before: the profile grows in place.
    const later = await waitForPanel(page, 'icp-panel', { phase: 'streaming', minFields: first.fields.length + 2 });
    const done = await waitForPanel(page, 'icp-panel', { phase: 'done', minFields: icpFieldCount });
    const doneAt = Date.now() - started;

    expect(first.fields.length).toBeLessThan(icpFieldCount);
    expect(first.fields[0]).toBe('industry');
    expect(later.fields.length).toBeLessThan(icpFieldCount);
    expect(done.fields).toEqual(Object.keys(icpResultSchema.shape));
    expect(doneAt - firstAt).toBeGreaterThan(500);
    await expect(page.getByTestId('icp-panel').locator('[data-field="personas"] li').count()).resolves.toBeGreaterThan(
      0,
    );
    console.log(`ICP: first field after ${firstAt} ms, complete after ${doneAt} ms`);
  }, 45_000);

  test('the IPP streams from the ICP just generated', async () => {
    await page.getByRole('button', { name: 'Generate IPP' }).click();
    const first = await waitForPanel(page, 'ipp-panel', { phase: 'streaming', minFields: 1 });
    const done = await waitForPanel(page, 'ipp-panel', { phase: 'done', minFields: ippFieldCount });
    expect(first.fields.length).toBeLessThan(ippFieldCount);
    expect(done.fields).toEqual(Object.keys(ippResultSchema.shape));
  }, 45_000);

  test('Nelson answers with a tool call and text, rendered from the UI message stream', async () => {
    const chat = page.getByTestId('chat-panel');
    await chat.getByLabel('Message to Nelson').fill('Search our partners: who are our partners?');
    await chat.getByRole('button', { name: 'Send' }).click();
    await chat.locator('[data-role="user"]').getByText('who are our partners?').waitFor();

    const tool = chat.locator('[data-tool="searchPartners"][data-state="output-available"]');
    await tool.waitFor({ timeout: 30_000 });
    expect(await tool.textContent()).toContain('2 partners: Hooli Cloud, Pied Piper');
    await chat.locator('[data-testid="chat-status"][data-status="ready"]').waitFor({ timeout: 30_000 });
    const answer = await chat.locator('[data-role="assistant"] .text-part').allTextContents();
    expect(answer.join(' ')).toContain('Hooli Cloud');
  }, 45_000);

  test('report sections appear one by one over EventSource before the report is marked completed', async () => {
    // Record every distinct state of the report panel, so nothing between two polls is missed.
    await page.evaluate(() => {
      const panel = document.querySelector('[data-testid="report-panel"]') as HTMLElement;
      const log: Array<{ status: string | null; sections: string[] }> = [];
      (window as unknown as { reportLog: typeof log }).reportLog = log;
      let last = '';
      new MutationObserver(() => {
        const status = panel.querySelector('[data-testid="report-status"]')?.getAttribute('data-status') ?? null;
        const sections = [...panel.querySelectorAll('[data-section]')].map(
          (section) =>
            `${section.getAttribute('data-section')}:${section.querySelector('[data-status]')?.getAttribute('data-status')}`,
        );
        const key = JSON.stringify({ status, sections });
        if (key !== last) log.push({ status, sections });
        last = key;
      }).observe(panel, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    const started = Date.now();
    await page.getByRole('button', { name: 'Generate report' }).click();
    if (screenshotPath) await saveScreenshot(page, screenshotPath);
    await page.locator('[data-testid="report-status"][data-status="completed"]').waitFor({ timeout: 60_000 });
    const elapsed = Date.now() - started;

    const log = await page.evaluate(
      () => (window as unknown as { reportLog: Array<{ status: string | null; sections: string[] }> }).reportLog,
    );
    const completedAt = log.findIndex((state) => state.status === 'completed');
    const whileRunning = log.slice(0, completedAt);
    const completedCount = (state: { sections: string[] }) =>
      state.sections.filter((section) => section.endsWith(':completed')).length;

    // Sections completed one at a time while the report was running. The last one and job.completed are
    // written back to back and usually arrive in the same poll, so the sixth may show up with the end.
    const countsSeen = new Set(whileRunning.filter((state) => state.status === 'running').map(completedCount));
    for (let count = 1; count < executiveSummarySections.length; count += 1) expect(countsSeen).toContain(count);
    // Titles appeared one by one in plan order (never two in the same state), each while the report was running.
    const firstSeen = executiveSummarySections.map((id) =>
      whileRunning.findIndex((state) => state.sections.some((section) => section.startsWith(`${id}:`))),
    );
    expect(firstSeen.every((index) => index >= 0)).toBe(true);
    expect(firstSeen.slice(1).every((index, position) => index > (firstSeen[position] as number))).toBe(true);
    // Partials were updated in place: some section was on screen as partial before it completed.
    expect(whileRunning.some((state) => state.sections.some((section) => section.endsWith(':partial')))).toBe(true);
    // The final report: every section completed, in order.
    const final = log[completedAt];
    expect(final?.sections).toEqual(executiveSummarySections.map((id) => `${id}:completed`));
    console.log(`Report: ${log.length} distinct panel states, completed after ${elapsed} ms`);
  }, 90_000);

  test('no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
