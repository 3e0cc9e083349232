import { Worker } from 'node:worker_threads';
import type { ClientHandlers } from './client-worker.ts';

type Kind = keyof ClientHandlers;
type Result<K extends Kind> = Awaited<ReturnType<ClientHandlers[K]>>;
type Call = <K extends Kind>(kind: K, ...args: Parameters<ClientHandlers[K]>) => Promise<Result<K>>;

/**
 * Starts a client thread (client-worker.ts; same process, own event loop). On the servers' thread a response chunk is
 * read only when the server code yields, which with an instant model is after the whole stream: a client there would
 * report about the total time as the time to first byte. Calls may overlap: replies are matched by id.
 */
export function startClientThread() {
  // The worker inherits this process's execArgv, so the same TypeScript loader (tsx) runs it.
  const worker = new Worker(new URL('./client-worker.ts', import.meta.url), {
    workerData: { callerTimeOrigin: performance.timeOrigin },
  });
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const failAll = (error: Error) => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: { id: number; result: unknown } | { id: number; error: string }) => {
    const call = pending.get(reply.id);
    pending.delete(reply.id);
    if ('error' in reply) call?.reject(new Error(reply.error));
    else call?.resolve(reply.result);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`A client thread exited with code ${code}`)));
  const call = (kind: Kind, ...args: unknown[]) =>
    new Promise((resolve, reject) => {
      pending.set(nextId, { resolve, reject });
      worker.postMessage({ id: nextId++, kind, args });
    });
  // Each kind is answered with its handler's result, which the untyped message port cannot express.
  return { call: call as Call, close: () => worker.terminate().then(() => {}) };
}
