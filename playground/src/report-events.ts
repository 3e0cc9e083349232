/**
 * Report progress over Server-Sent Events. A browser's built-in EventSource cannot send an Authorization
 * header, and the API takes its key only from that header, so the page uses the `eventsource` package's
 * EventSource: the same WHATWG EventSource (events, Last-Event-ID, reconnects), reading the stream through a
 * `fetch` we give it, which adds the header. The key never appears in a URL.
 */
import { EventSource } from 'eventsource';
import type { ReportEventData } from '../../functions/domain/reports/report-events.ts';

/** The event payloads are typed from the API's own schemas (functions/domain/reports/report-events.ts). */
export type SectionEvent = ReportEventData<'section.completed'>;

export interface ReportEventHandlers {
  onOpen(): void;
  onSection(event: SectionEvent): void;
  onFinished(outcome: { status: 'completed' } | { status: 'failed'; errorMessage: string }): void;
  /** The connection dropped and EventSource reconnects by itself (resuming after the last event id). */
  onReconnecting(): void;
  /** The stream cannot go on (an HTTP error such as 401 or 404): EventSource gave up. */
  onError(message: string): void;
}

export function followReport(
  url: string,
  headers: () => Record<string, string>,
  handlers: ReportEventHandlers,
): () => void {
  const source = new EventSource(url, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers() } }),
  });
  let closed = false;
  const close = () => {
    closed = true;
    source.close();
  };
  source.addEventListener('open', () => handlers.onOpen());
  source.addEventListener('section.completed', (message) => {
    if (!closed) handlers.onSection(JSON.parse(message.data) as SectionEvent);
  });
  source.addEventListener('job.completed', () => {
    if (closed) return;
    close();
    handlers.onFinished({ status: 'completed' });
  });
  source.addEventListener('job.failed', (message) => {
    if (closed) return;
    close();
    const { errorMessage } = JSON.parse(message.data) as ReportEventData<'job.failed'>;
    handlers.onFinished({ status: 'failed', errorMessage });
  });
  source.addEventListener('error', (error) => {
    if (closed) return;
    if (source.readyState === EventSource.CLOSED) {
      closed = true;
      handlers.onError(
        `The progress stream failed${error.code ? ` with HTTP ${error.code}` : ''}: ${error.message ?? 'connection lost'}`,
      );
    } else {
      handlers.onReconnecting();
    }
  });
  return close;
}
