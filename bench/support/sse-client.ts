// The SSE client of the benchmarks: its streams live on a client thread (sse-streams.ts; client-thread.ts says why),
// where events are timed as their chunk arrives and kept until the caller asks for them.
import { startClientThread } from './client-thread.ts';
import type { SseTarget } from './sse-streams.ts';

export type { ReceivedSseEvent, SseRecord, SseTarget } from './sse-streams.ts';

export function startSseClient() {
  const thread = startClientThread();
  const openStreams = (targets: SseTarget[], concurrency: number, keepData: boolean) => {
    const withHrefs = targets.map((target) => ({ ...target, url: target.url.href }));
    return thread.call('openStreams', withHrefs, concurrency, keepData);
  };
  return {
    /** Opens one stream and resolves once its head is in; rejects unless it is a 200. */
    open: async (url: URL, headers: Record<string, string> = {}) => {
      const { ids, failures } = await openStreams([{ url, headers }], 1, true);
      const id = ids[0] as number;
      if (failures.length > 0) {
        await thread.call('closeStreams', [id]);
        throw new Error(`SSE ${url.pathname}: ${failures.join('; ')}`);
      }
      return {
        /** Every event so far, once one whose type starts with `prefix` has arrived; rejects on timeout or a drop. */
        waitFor: (prefix: string, timeoutMs: number) => thread.call('waitForEvent', id, prefix, timeoutMs),
        /** Ends the stream from the client side (the server notices and stops) and returns what it received. */
        close: async () => (await thread.call('closeStreams', [id]))[0]?.events ?? [],
      };
    },
    /** Opens streams whose events keep no data (a small heap for hundreds); resolves once all heads are in. */
    openMany: (targets: SseTarget[], concurrency: number) => openStreams(targets, concurrency, false),
    /** Resolves once every open stream has its report's section named here, or at the timeout, with how many lack it. */
    awaitSections: (lastSectionOfReport: Record<string, string>, timeoutMs: number) =>
      thread.call('awaitSections', lastSectionOfReport, timeoutMs),
    closeAll: async () => ({ connections: await thread.call('closeStreams') }),
    close: thread.close,
  };
}

export type SseClient = ReturnType<typeof startSseClient>;
