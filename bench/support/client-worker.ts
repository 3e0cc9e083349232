/**
 * Entry of a client thread (client-thread.ts starts it): runs each call's handler here and replies with its result
 * or the error it threw. Only results cross threads: response bodies under load are validated here.
 */
import { parentPort } from 'node:worker_threads';
import { runLoad } from './load-client.ts';
import { awaitSections, closeStreams, openStreams, waitForEvent } from './sse-client.ts';
import { postKeptAlive } from './worker-client.ts';

const handlers = {
  post: postKeptAlive,
  load: runLoad,
  open: openStreams,
  wait: waitForEvent,
  await: awaitSections,
  close: closeStreams,
};
export type ClientHandlers = typeof handlers;

parentPort?.on('message', ({ id, kind, args }: { id: number; kind: keyof ClientHandlers; args: unknown[] }) => {
  const handler = handlers[kind] as (...args: unknown[]) => unknown;
  // Through a promise, so that a synchronous throw becomes this call's error instead of ending the thread.
  new Promise((resolve) => resolve(handler(...args))).then(
    (result) => parentPort?.postMessage({ id, result }),
    (error: unknown) => parentPort?.postMessage({ id, error: String(error) }),
  );
});
