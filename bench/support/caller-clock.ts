import { workerData } from 'node:worker_threads';

// Each thread's performance.now() counts from its own timeOrigin: a client thread (client-thread.ts) times everything
// on its caller's clock, so that replies need no conversion. On the caller's own thread this is performance.now().
const callerTimeOrigin =
  (workerData as { callerTimeOrigin?: number } | null)?.callerTimeOrigin ?? performance.timeOrigin;
export const callerNow = (): number => performance.timeOrigin + performance.now() - callerTimeOrigin;
