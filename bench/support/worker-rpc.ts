import { parentPort, Worker } from 'node:worker_threads';

interface RpcRequest<Request> {
  id: number;
  request: Request;
}

type RpcReply<Result> = { id: number; ok: true; result: Result } | { id: number; ok: false; error: string };

export interface WorkerRpc<Request, Result> {
  /** Resolves with the worker's result; rejects with its error, or when the worker fails or exits first. */
  call(request: Request): Promise<Result>;
  /** For what the caller measures on the thread itself (event-loop utilisation, heap) and to terminate it. */
  readonly worker: Worker;
}

/**
 * Starts `entry` on a worker thread that answers requests with answerRequests. Requests may be in flight
 * together; replies are matched to them by id, so the worker may answer in any order.
 */
export function startWorkerRpc<Request, Result>(entry: URL, name: string): WorkerRpc<Request, Result> {
  // The worker inherits this process's execArgv, so the same TypeScript loader (tsx) runs it.
  const worker = new Worker(entry);
  const pending = new Map<number, { resolve: (result: Result) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: RpcReply<Result>) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.result);
    else waiter.reject(new Error(reply.error));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`The ${name} exited with code ${code}`)));
  return {
    call: (request) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, request } satisfies RpcRequest<Request>);
      }),
    worker,
  };
}

/** The worker's side of startWorkerRpc: every request gets `handle`'s result or the error it threw as its reply. */
export function answerRequests<Request, Result>(handle: (request: Request) => Result | Promise<Result>): void {
  const port = parentPort;
  if (!port) throw new Error('answerRequests must run in a worker thread');
  port.on('message', ({ id, request }: RpcRequest<Request>) => {
    // Wrapped so that a synchronous throw becomes this request's error reply instead of killing the worker.
    new Promise<Result>((resolve) => resolve(handle(request))).then(
      (result) => port.postMessage({ id, ok: true, result } satisfies RpcReply<Result>),
      (error: unknown) => port.postMessage({ id, ok: false, error: String(error) } satisfies RpcReply<Result>),
    );
  });
}
