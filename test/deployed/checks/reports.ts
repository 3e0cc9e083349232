/**
 * Report jobs: two identical generates make one job, the progress stream is read with the `eventsource`
 * package (the key in a header through its fetch option) and resumed with Last-Event-ID.
 */
import { collectReportEvents, type Received } from '../../support/report-events-client.ts';
import { authorization, call, jsonOf } from '../api-client.ts';
import { must } from '../harness.ts';
import { needed, type RunContext } from '../run-context.ts';

interface GenerateAnswer {
  reportId?: unknown;
  jobId?: unknown;
  inFlight?: unknown;
}

export async function reportChecks(context: RunContext): Promise<void> {
  const { checks, api, runId } = context;
  const streamUrl = (reportId: string) =>
    `${api.baseUrl}/api/ai/strategy/executive-summary/stream?reportId=${reportId}`;
  let events: Received[] = [];

  await checks.run('two identical generates at once → one job (202 + jobId, and the other joins it)', async () => {
    // A tag of this run keeps the request from joining a report another run started.
    const request = {
      orgName: `Acceptance ${runId}`,
      domain: `acceptance-${runId}.example`,
      reportType: 'quarterly-review',
      filters: { tag: `acceptance-${runId}` },
    };
    const path = '/api/ai/strategy/executive-summary/generate';
    const answers = await Promise.all([call(api, 'POST', path, request), call(api, 'POST', path, request)]);
    const [first, second] = await Promise.all(answers.map((answer) => jsonOf<GenerateAnswer>(answer, 202)));
    must(first && second, 'two answers expected');
    must(first.reportId === second.reportId, `two reports: ${first.reportId} and ${second.reportId}`);
    const started = [first, second].filter((answer) => typeof answer.jobId === 'string');
    const joined = [first, second].filter((answer) => answer.jobId === null && answer.inFlight === true);
    must(started.length === 1 && joined.length === 1, `answers: ${JSON.stringify([first, second])}`);
    context.created.reportId = first.reportId as string;
    return `report ${first.reportId}`;
  });

  await checks.run('the progress stream (EventSource) delivers sections, then job.completed', async () => {
    const reportId = needed(context.created.reportId, 'the report');
    events = await collectReportEvents(streamUrl(reportId), authorization(api));
    const terminal = events.at(-1);
    must(terminal?.type === 'job.completed', `ended with ${terminal?.type}: ${JSON.stringify(terminal?.data)}`);
    const sections = events.filter((event) => event.type === 'section.completed');
    must(sections.length >= 1, 'no section.completed event');
    must(
      sections.every((event) => event.data.reportId === reportId && typeof event.data.sectionId === 'string'),
      'a section event lacks reportId or sectionId',
    );
    return `${sections.length} section events`;
  });

  await checks.run('a reconnect with Last-Event-ID resumes right after that event', async () => {
    const reportId = needed(context.created.reportId, 'the report');
    must(events.length >= 2, 'the first read had fewer than two events');
    const [first, ...rest] = events;
    const resumed = await collectReportEvents(streamUrl(reportId), authorization(api), {
      lastEventId: first?.id ?? '',
    });
    const ids = (list: Received[]) => list.map((event) => `${event.type}#${event.id}`).join(' ');
    must(ids(resumed) === ids(rest), `resumed ${ids(resumed)}, expected ${ids(rest)}`);
    return `${resumed.length} events after id ${first?.id}`;
  });

  await checks.run('GET /api/reports lists the report; GET one has its sections', async () => {
    const reportId = needed(context.created.reportId, 'the report');
    const list = await jsonOf<{ reports?: Array<{ reportId: string }> }>(await call(api, 'GET', '/api/reports'), 200);
    must(
      list.reports?.some((report) => report.reportId === reportId),
      'the report is not in the list',
    );
    const report = await jsonOf<{ status?: unknown; sections?: unknown[] }>(
      await call(api, 'GET', `/api/reports/${reportId}`),
      200,
    );
    must(report.status === 'completed', `status ${JSON.stringify(report.status)}`);
    must(Array.isArray(report.sections) && report.sections.length >= 1, 'no sections');
    return `${report.sections.length} sections`;
  });
}
