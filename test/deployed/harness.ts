/**
 * A tiny check runner for the post-deploy suite: one line per check, a summary, and the exit code. It is not
 * jest because it runs wherever the stack runs, with nothing but Node.js and this repository's dependencies.
 */

export type CheckOutcome = 'passed' | 'failed' | 'skipped';

export class CheckFailure extends Error {}

/** Throws a CheckFailure with `message` unless `condition` holds. */
export function must(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailure(message);
}

export class Checks {
  readonly outcomes: CheckOutcome[] = [];
  private readonly cleanups: Array<{ what: string; run: () => Promise<void> }> = [];

  constructor(
    private readonly print: (line: string) => void,
    /** A safety net so a hung stream cannot hang the run; not an assertion about speed. */
    private readonly checkTimeoutMs: number,
  ) {}

  /** Runs one check; a string it returns (a detail of what it saw) is printed after the name. */
  async run(name: string, check: () => Promise<unknown>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CheckFailure(`no answer within ${this.checkTimeoutMs / 1000} s`)),
        this.checkTimeoutMs,
      );
    });
    try {
      const detail = await Promise.race([check(), timeout]);
      this.record('passed', `ok    ${name}${typeof detail === 'string' && detail ? ` — ${detail}` : ''}`);
      return true;
    } catch (error) {
      this.record('failed', `FAIL  ${name} — ${describe(error)}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  skip(name: string, reason: string): void {
    this.record('skipped', `skip  ${name} — ${reason}`);
  }

  /** Registers the removal of something a check created; `runCleanups` undoes what is still registered. */
  onCleanup(what: string, run: () => Promise<void>): () => void {
    const entry = { what, run };
    this.cleanups.push(entry);
    return () => {
      const index = this.cleanups.indexOf(entry);
      if (index >= 0) this.cleanups.splice(index, 1);
    };
  }

  async runCleanups(): Promise<void> {
    for (const { what, run } of this.cleanups.splice(0).reverse()) {
      await this.run(`cleanup: ${what}`, run);
    }
  }

  summary(): string {
    const count = (outcome: CheckOutcome) => this.outcomes.filter((each) => each === outcome).length;
    const skipped = count('skipped');
    return `${count('passed')} passed, ${count('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`;
  }

  get failed(): boolean {
    return this.outcomes.includes('failed');
  }

  private record(outcome: CheckOutcome, line: string): void {
    this.outcomes.push(outcome);
    this.print(line);
  }
}

function describe(error: unknown): string {
  if (error instanceof CheckFailure) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
