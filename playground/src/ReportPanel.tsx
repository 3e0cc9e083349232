import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { ReportStarted, ReportStatus, ReportType } from '../../functions/domain/reports/report-types.ts';
import { type Connection, describeError, postJson } from './connection.ts';
import { followReport, type SectionEvent } from './report-events.ts';

// Listed here because the domain module (node:crypto) is not for browsers; the type refuses a name the API lacks.
const reportTypes = ['executive-summary', 'annual-review', 'quarterly-review'] as const satisfies readonly ReportType[];

interface Section extends SectionEvent {
  /** Seconds since the report started, when this state arrived. */
  atSeconds: number;
}

interface ReportState {
  reportId: string;
  status: ReportStatus;
  connection: 'connecting' | 'open' | 'reconnecting' | 'closed';
  sections: Section[];
  errorMessage?: string;
  startedAt: number;
}

/**
 * POST …/generate, then follow GET …/stream?reportId= with EventSource. Each `section.completed` event
 * replaces that section in place (partials first, then the completed payload); the report is done on
 * `job.completed` or `job.failed`.
 */
export function ReportPanel(props: {
  connection: Connection;
  headers: () => Record<string, string>;
  disabled: boolean;
  defaultOrgName: string;
  defaultDomain: string;
  onFinished(): void;
}) {
  const [orgName, setOrgName] = useState('');
  const [domain, setDomain] = useState('');
  const [reportType, setReportType] = useState<(typeof reportTypes)[number]>('executive-summary');
  const [report, setReport] = useState<ReportState>();
  const [error, setError] = useState<string>();
  const closeStream = useRef<() => void>(undefined);
  useEffect(() => () => closeStream.current?.(), []);

  const update = (change: (current: ReportState) => ReportState) =>
    setReport((current) => (current ? change(current) : current));

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    closeStream.current?.();
    setError(undefined);
    setReport(undefined);
    let reportId: string;
    try {
      ({ reportId } = await postJson<ReportStarted>(props.connection, '/api/ai/strategy/executive-summary/generate', {
        orgName: orgName.trim() || props.defaultOrgName,
        domain: domain.trim() || props.defaultDomain,
        reportType,
      }));
    } catch (failure) {
      setError(describeError(failure));
      return;
    }
    const startedAt = performance.now();
    setReport({ reportId, status: 'running', connection: 'connecting', sections: [], startedAt });
    const url = `${props.connection.baseUrl}/api/ai/strategy/executive-summary/stream?reportId=${encodeURIComponent(reportId)}`;
    closeStream.current = followReport(url, props.headers, {
      onOpen: () => update((current) => ({ ...current, connection: 'open' })),
      onSection: (section) =>
        update((current) => {
          const next = { ...section, atSeconds: (performance.now() - startedAt) / 1000 };
          const index = current.sections.findIndex((known) => known.sectionId === section.sectionId);
          const sections =
            index === -1
              ? [...current.sections, next]
              : current.sections.map((known, i) => (i === index ? next : known));
          return { ...current, sections };
        }),
      onFinished: (outcome) => {
        update((current) => ({
          ...current,
          status: outcome.status,
          connection: 'closed',
          ...(outcome.status === 'failed' ? { errorMessage: outcome.errorMessage } : {}),
        }));
        props.onFinished();
      },
      onReconnecting: () => update((current) => ({ ...current, connection: 'reconnecting' })),
      onError: (message) => update((current) => ({ ...current, connection: 'closed', errorMessage: message })),
    });
  };

  const completed = report?.sections.filter((section) => section.status === 'completed').length ?? 0;
  const running = report?.status === 'running';

  return (
    <section className="panel report" data-testid="report-panel" aria-busy={running}>
      <header>
        <h2>Report</h2>
        {report ? (
          <span className={`badge badge-${report.status}`} data-testid="report-status" data-status={report.status}>
            {report.status}
            {running ? ` · ${completed} section${completed === 1 ? '' : 's'} done · ${report.connection}` : ''}
          </span>
        ) : null}
      </header>
      <form onSubmit={onSubmit} className="row">
        <label>
          Organisation
          <input
            value={orgName}
            onChange={(event) => setOrgName(event.target.value)}
            placeholder={props.defaultOrgName}
            name="orgName"
          />
        </label>
        <label>
          Domain
          <input
            value={domain}
            onChange={(event) => setDomain(event.target.value)}
            placeholder={props.defaultDomain}
            name="reportDomain"
          />
        </label>
        <label>
          Type
          <select
            value={reportType}
            onChange={(event) => setReportType(event.target.value as (typeof reportTypes)[number])}
            name="reportType"
          >
            {reportTypes.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={props.disabled || running}>
          Generate report
        </button>
      </form>
      {error ? <p className="error">{error}</p> : null}
      {report?.errorMessage ? <p className="error">{report.errorMessage}</p> : null}
      {report ? (
        <ol className="sections" data-testid="sections" data-report-id={report.reportId}>
          {report.sections.map((section) => (
            <li key={section.sectionId} className={`section ${section.status}`} data-section={section.sectionId}>
              <h3>
                <span>
                  <code className="section-id">{section.sectionId}</code>{' '}
                  <span data-testid="section-title">{section.payload?.title ?? '…'}</span>
                </span>
                <span className="section-status" data-status={section.status}>
                  {section.status === 'completed' ? '✓ completed' : 'writing…'} · +{section.atSeconds.toFixed(1)} s
                </span>
              </h3>
              {section.payload?.summary ? <p>{section.payload.summary}</p> : null}
              {section.payload?.highlights?.length ? (
                <ul className="chips">
                  {section.payload.highlights.map((highlight, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: highlights may repeat; the list only grows
                    <li key={index}>{highlight}</li>
                  ))}
                </ul>
              ) : null}
              {section.payload?.metrics?.length ? (
                <p className="metrics">
                  {section.payload.metrics.map((metric) => `${metric.label}: ${metric.value}`).join(' · ')}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
