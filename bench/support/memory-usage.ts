import { readdirSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One reading of this process's memory (process.memoryUsage) and, when given, another process's RSS. */
export interface MemorySample {
  at: number;
  /** Resident set of this process: every thread (main, workers, libuv, V8 helpers), native buffers included. */
  rss: number;
  /** V8 heap of the main thread's isolate (worker threads have isolates of their own, not counted here). */
  heapUsed: number;
  heapTotal: number;
  /** Memory of C++ objects bound to JS objects (e.g. Buffers) of the main isolate. */
  external: number;
  arrayBuffers: number;
  /** VmRSS of the other process (DynamoDB Local's JVM), from /proc/<pid>/status. */
  otherRss?: number;
}

export function memorySample(otherPid?: number): MemorySample {
  const usage = process.memoryUsage();
  const sample: MemorySample = {
    at: performance.now(),
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
  };
  const otherRss = otherPid === undefined ? undefined : procStatusBytes(otherPid, 'VmRSS');
  if (otherRss !== undefined) sample.otherRss = otherRss;
  return sample;
}

/** A `kB` field of /proc/<pid>/status (VmRSS, VmHWM …) in bytes; undefined off Linux or once the process is gone. */
export function procStatusBytes(pid: number, field: string): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples memory every `intervalMs` on this thread until stopped; the samples are kept in order. */
export function sampleMemory(intervalMs: number, otherPid?: number): { samples: MemorySample[]; stop(): void } {
  const samples: MemorySample[] = [memorySample(otherPid)];
  const timer = setInterval(() => samples.push(memorySample(otherPid)), intervalMs);
  return { samples, stop: () => clearInterval(timer) };
}

let collect: (() => void) | undefined;

/**
 * A full garbage collection of the main isolate, so that "before" and "after" heap figures compare live data
 * and not whatever the collector had not got round to yet. The benchmark process is forked without
 * --expose-gc; the flag can still be set at run time, and `gc` then exists in contexts created afterwards.
 */
export async function collectGarbage(): Promise<void> {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  // Buffers and other externally allocated memory are released by callbacks after the collection: let them
  // run, then collect what they let go of.
  await new Promise((resolve) => setImmediate(resolve));
  collect();
}

/** What a server keeps open, at one moment: see `handlesNow`. */
export interface OpenHandles {
  /** Timers of this thread's event loop. */
  timeouts: number;
  /** TCP sockets of this thread's event loop. */
  sockets: number;
  /** Open file descriptors of the whole process (Linux: entries of /proc/self/fd); undefined elsewhere. */
  fds: number | undefined;
}

export function handlesNow(): OpenHandles {
  const types = process.getActiveResourcesInfo();
  const count = (type: string) => types.filter((each) => each === type).length;
  let fds: number | undefined;
  try {
    fds = readdirSync('/proc/self/fd').length;
  } catch {
    fds = undefined;
  }
  return { timeouts: count('Timeout'), sockets: count('TCPSocketWrap'), fds };
}
