/** What both event-source pollers share: a stoppable loop with interruptible sleeps. */
import { setTimeout as delay } from 'node:timers/promises';

export interface RunningPoller {
  /** Stops polling and waits (bounded) for the batch in flight, so handlers do not outlive the stack. */
  stop(): Promise<void>;
}

export class PollLoop {
  readonly #abort = new AbortController();
  readonly #loops: Promise<void>[] = [];

  get stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Runs `iteration` until stopped; an iteration that throws is logged and retried after a pause. */
  run(name: string, iteration: () => Promise<void>): void {
    const loop = async () => {
      while (!this.stopped) {
        try {
          await iteration();
        } catch (error) {
          if (this.stopped) break;
          console.error(`[${name}] poll failed; retrying in 1 s:`, (error as Error).message ?? error);
          await this.sleep(1_000);
        }
      }
    };
    this.#loops.push(loop());
  }

  async sleep(ms: number): Promise<void> {
    try {
      await delay(ms, undefined, { signal: this.#abort.signal });
    } catch {
      // Aborted by stop(): the loop condition ends the loop.
    }
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    this.#abort.abort();
    const finished = Promise.all(this.#loops).then(() => true);
    const timer = delay(timeoutMs, false, { ref: false });
    if (!(await Promise.race([finished, timer]))) {
      console.warn(`[pollers] a handler was still running ${timeoutMs} ms after stop(); leaving it behind`);
    }
  }
}
