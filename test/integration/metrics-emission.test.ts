/**
 * The API's metrics as CloudWatch would receive them: embedded-metric-format lines on stdout, captured while the
 * real handler serves requests on the local stack and the in-process report worker runs a report. Every line
 * names its route as a dimension and carries the organisation only as a property.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { metricNames, metricNamespace } from '../../functions/domain/observability/metric-definitions.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { postJsonTo, readObjectStream } from '../support/object-stream.ts';
import { createRunningReport } from '../support/running-report.ts';
import { bearer, createTenant } from '../support/tenants.ts';

// The test setup turns metrics off for every other file; this one reads them.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

const local = useLocalStack({ localBedrock: { latencyMs: { perChunkMs: 2 } } });
const post = postJsonTo(() => local.stack.baseUrl);

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

const lines: EmfLine[] = [];
const originalWrite = process.stdout.write.bind(process.stdout);

beforeAll(() => {
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
    for (const line of text.split('\n')) {
      if (line.startsWith('{"_aws"')) lines.push(JSON.parse(line) as EmfLine);
    }
    return (originalWrite as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
});
afterAll(() => {
  process.stdout.write = originalWrite;
});

const definition = (line: EmfLine) => line._aws.CloudWatchMetrics[0];
const dimensionNames = (line: EmfLine) => (definition(line)?.Dimensions ?? []).flat();
const hasMetric = (line: EmfLine, name: string) => definition(line)?.Metrics.some((metric) => metric.Name === name);
const linesWith = (name: string, route: string) =>
  lines.filter((line) => hasMetric(line, name) && line.route === route);

/** Waits for a line the report worker writes on its own schedule (no time is asserted). */
async function lineEventually(name: string, route: string, organisationId: string): Promise<EmfLine> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const line = linesWith(name, route).find((candidate) => candidate.organisationId === organisationId);
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`No ${name} line for ${route}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('embedded metric format', () => {
  test('a streamed ICP writes its request line after the body ends, and its tokens by route', async () => {
    const tenant = await createTenant();
    const response = await post('/api/ai/icp', bearer(tenant), { company: 'Initech' });
    await readObjectStream(response);

    const [request] = linesWith(metricNames.requests, 'POST /api/ai/icp');
    if (!request) throw new Error('No request line');
    expect(definition(request)?.Namespace).toBe(metricNamespace);
    expect(definition(request)?.Dimensions).toEqual([['service', 'route', 'statusClass']]);
    expect(request).toMatchObject({ statusClass: '2xx', organisationId: tenant.organisationId, Requests: 1 });
    // Measured from the stream itself: the first byte comes before the end of the body.
    expect(request.TimeToFirstByte).toEqual(expect.any(Number));
    expect(request.ResponseDuration as number).toBeGreaterThanOrEqual(request.TimeToFirstByte as number);

    const [tokens] = linesWith(metricNames.inputTokens, 'icp');
    expect(definition(tokens as EmfLine)?.Dimensions).toEqual([['service', 'route']]);
    expect(tokens).toMatchObject({ organisationId: tenant.organisationId, service: 'partneros-ai' });
    expect(tokens?.InputTokens as number).toBeGreaterThan(0);
    expect(tokens?.OutputTokens as number).toBeGreaterThan(0);
  });

  test('a progress stream is measured when it ends, not when the handler hands it over', async () => {
    const tenant = await createTenant();
    const reportId = await createRunningReport(tenant);
    const client = new AbortController();
    const response = await fetch(
      `${local.stack.baseUrl}/api/ai/strategy/executive-summary/stream?reportId=${reportId}`,
      {
        headers: bearer(tenant),
        signal: client.signal,
      },
    );
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).done).toBe(false);
    // The head and the first bytes are out, so the handler has returned; the stream is still open.
    const route = 'GET /api/ai/strategy/executive-summary/stream';
    const ofTenant = () =>
      linesWith(metricNames.requests, route).filter((line) => line.organisationId === tenant.organisationId);
    expect(ofTenant()).toEqual([]);

    client.abort();
    const line = await lineEventually(metricNames.requests, route, tenant.organisationId);
    expect(line).toMatchObject({ statusClass: '2xx', Requests: 1 });
    expect(ofTenant()).toHaveLength(1);
  });

  test('refusals are counted by route, and unknown paths share one route value', async () => {
    const broke = await createTenant({ monthlyQuota: 0 });
    expect((await post('/api/ai/ipp', bearer(broke), { icp: { industry: 'x' } })).status).toBeGreaterThanOrEqual(400);
    const refused = await post('/api/ai/partner-suggestions', bearer(broke), {
      companyName: 'Globex',
      industry: 'Manufacturing',
      painPoints: ['slow channel'],
    });
    expect(refused.status).toBe(402);
    await refused.text();
    expect(linesWith(metricNames.quotaExceeded, 'POST /api/ai/partner-suggestions')[0]).toMatchObject({
      statusClass: '4xx',
      QuotaExceeded: 1,
      organisationId: broke.organisationId,
    });

    await (await fetch(`${local.stack.baseUrl}/api/no-such-thing/${broke.organisationId}`)).text();
    expect(lines.some((line) => JSON.stringify(line).includes(`/api/no-such-thing`))).toBe(false);
    expect(linesWith(metricNames.requests, 'unmatched').length).toBeGreaterThan(0);
  });

  test('the report worker writes its duration and section failures under the reports route', async () => {
    const tenant = await createTenant();
    const response = await post('/api/ai/strategy/executive-summary/generate', bearer(tenant), {
      orgName: 'Acme',
      domain: 'acme.example',
      reportType: 'quarterly-review',
    });
    expect(response.status).toBe(202);
    const duration = await lineEventually(metricNames.reportDuration, 'reports', tenant.organisationId);
    expect(duration.ReportDuration).toEqual(expect.any(Number));
    expect(linesWith(metricNames.inputTokens, 'reports').length).toBeGreaterThan(0);

    const failing = await createTenant();
    local.stack.localBedrock?.failNext({ kind: 'validation', count: 50 });
    await post('/api/ai/strategy/executive-summary/generate', bearer(failing), {
      orgName: 'Acme',
      domain: 'acme.example',
      reportType: 'quarterly-review',
    });
    const failure = await lineEventually(metricNames.sectionFailures, 'reports', failing.organisationId);
    expect(failure).toMatchObject({ SectionFailures: 1, reportType: 'quarterly-review' });
  });

  test('no line ever has the organisation as a dimension', () => {
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      expect(dimensionNames(line)).not.toContain('organisationId');
      expect(dimensionNames(line)).toContain('route');
      expect(definition(line)?.Namespace).toBe(metricNamespace);
    }
  });
});
