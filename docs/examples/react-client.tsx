/**
 * Calling the PartnerOS AI API from a React app: a streamed ICP with `useObject`, Nelson with `useChat`, and a
 * report's progress with EventSource. tsconfig.json includes this folder, so `npm test` type-checks the example
 * against the API's own schemas and the installed AI SDK. README.md ("Use it from a React app") explains it.
 *
 * `PartnerOsAccess` is where requests go and which headers they carry. With an organisation API key that is the
 * API's base URL and `Authorization: Bearer <key>`, fine for an internal tool on a trusted machine. A key in a
 * browser app is readable by every user of the app, so a public app points `baseUrl` at its own backend, which
 * checks its user's session, adds the key and forwards the request; `headers` then carries the user's session.
 */
import { useChat, experimental_useObject as useObject } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import { EventSource } from 'eventsource';
import { useEffect, useMemo, useState } from 'react';
import type { ChatMessage } from '../../functions/domain/chat/chat-request.ts';
import type { ReportEventData } from '../../functions/domain/reports/report-events.ts';
import type { ReportStarted } from '../../functions/domain/reports/report-types.ts';
import { icpResultSchema } from '../../functions/domain/strategy/icp.ts';

export interface PartnerOsAccess {
  /** The API's base URL (stack output ApiBaseUrl), or your backend's path that forwards to it. */
  baseUrl: string;
  /** Called for every request, so a renewed key or session applies without rebuilding anything. */
  headers: () => Record<string, string>;
}

/** For a trusted internal tool only: the organisation's key travels with every request from the browser. */
export const withApiKey = (baseUrl: string, apiKey: string): PartnerOsAccess => ({
  baseUrl,
  headers: () => ({ Authorization: `Bearer ${apiKey}` }),
});

/** POST /api/ai/icp: the profile fills in while it streams, checked against the API's own schema at the end. */
export function IdealCustomerProfile({ access, company }: { access: PartnerOsAccess; company: string }) {
  const { object, submit, isLoading, error, stop } = useObject({
    api: `${access.baseUrl}/api/ai/icp`,
    schema: icpResultSchema,
    headers: access.headers,
  });
  return (
    <section>
      <button type="button" disabled={isLoading} onClick={() => submit({ company })}>
        Ideal Customer Profile of {company}
      </button>
      {isLoading ? (
        <button type="button" onClick={stop}>
          Stop
        </button>
      ) : null}
      {error ? <p role="alert">{error.message}</p> : null}
      <h3>{object?.industry}</h3>
      <ul>
        {object?.painPoints?.map((painPoint) => (
          <li key={painPoint}>{painPoint}</li>
        ))}
      </ul>
    </section>
  );
}

/** POST /api/ai/chat: Nelson's answers, with tool calls, as the UI message stream arrives. */
export function Nelson({ access, currentRoute }: { access: PartnerOsAccess; currentRoute: string }) {
  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatMessage>({
        api: `${access.baseUrl}/api/ai/chat`,
        headers: access.headers,
        // Lets Nelson resolve "this partner" or "this report" to the page the user is on.
        body: { currentRoute },
      }),
    [access, currentRoute],
  );
  const { messages, sendMessage, status } = useChat<ChatMessage>({ transport });
  return (
    <section>
      {messages.map((message) => (
        <article key={message.id}>
          {message.parts.map((part, index) =>
            part.type === 'text' ? <p key={`${message.id}-${index}`}>{part.text}</p> : null,
          )}
          {message.metadata?.model ? <small>{message.metadata.model}</small> : null}
        </article>
      ))}
      <button
        type="button"
        disabled={status === 'submitted' || status === 'streaming'}
        onClick={() => void sendMessage({ text: 'Which partners are active?' })}
      >
        Ask Nelson
      </button>
    </section>
  );
}

/** POST …/generate: starts a report job, or joins the identical one already running. */
export async function startReport(access: PartnerOsAccess, orgName: string, domain: string): Promise<ReportStarted> {
  const response = await fetch(`${access.baseUrl}/api/ai/strategy/executive-summary/generate`, {
    method: 'POST',
    headers: { ...access.headers(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ orgName, domain, reportType: 'executive-summary' }),
  });
  // Errors are `{error, code, details?}`; branch on `code`.
  if (!response.ok) throw new Error(await response.text());
  return (await response.json()) as ReportStarted;
}

type SectionEvent = ReportEventData<'section.completed'>;

/**
 * GET …/stream: the report's sections as they are written. The browser's own EventSource cannot send an
 * Authorization header, so this uses the `eventsource` package's EventSource (same events, Last-Event-ID and
 * reconnects) with a fetch that adds the headers. Behind your own backend on the app's origin, the browser's
 * EventSource works too: the session cookie travels with it and the backend adds the key.
 */
export function useReportProgress(access: PartnerOsAccess, reportId: string | undefined) {
  const [sections, setSections] = useState<Record<string, SectionEvent>>({});
  const [outcome, setOutcome] = useState<'running' | 'completed' | string>('running');
  useEffect(() => {
    if (!reportId) return;
    const source = new EventSource(
      `${access.baseUrl}/api/ai/strategy/executive-summary/stream?reportId=${encodeURIComponent(reportId)}`,
      { fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...access.headers() } }) },
    );
    source.addEventListener('section.completed', (message) => {
      const section = JSON.parse(message.data) as SectionEvent;
      // Partials first, then the completed payload: the newest state of a section replaces the older.
      setSections((current) => ({ ...current, [section.sectionId]: section }));
    });
    source.addEventListener('job.completed', () => {
      source.close();
      setOutcome('completed');
    });
    source.addEventListener('job.failed', (message) => {
      const { errorMessage } = JSON.parse(message.data) as ReportEventData<'job.failed'>;
      // `stream-timeout`: only the stream hit its time limit; EventSource reconnects and resumes after the last id.
      if (errorMessage === 'stream-timeout') return;
      source.close();
      setOutcome(errorMessage);
    });
    return () => source.close();
  }, [access, reportId]);
  return { sections: Object.values(sections), outcome };
}
