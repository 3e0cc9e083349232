import type { Json } from './commands.ts';

/**
 * The client's hook for tests and benchmarks, a subset of the SDK's middlewareStack with the same call shape, so
 * observers written for the SDK client keep working: `add((next, context) => async (args) => next(args),
 * { step, name, priority })` and `remove(name)`.
 *
 * - step 'initialize' (the default) wraps the whole call once: `args.input` is the document-level input as the
 *   store passed it (a middleware may pass changed input on), the result's `output` the document-level output,
 *   and retries happen inside it.
 * - every other step ('serialize', 'build', 'finalizeRequest', 'deserialize') wraps each HTTP attempt:
 *   `args.input` is the wire request body, `output` the wire response body.
 *
 * `context.commandName` is the SDK's low-level command name, e.g. "GetItemCommand" for a GetCommand, and the
 * context object is shared by both kinds within one call. High priority runs outside normal, normal outside low;
 * within a priority the middleware added first is outermost.
 */
export interface MiddlewareContext {
  commandName: string;
}
export type Handler = (args: { input: Json }) => Promise<{ output: Json }>;
export type Middleware = (next: Handler, context: MiddlewareContext) => Handler;
export type MiddlewareStep = 'initialize' | 'serialize' | 'build' | 'finalizeRequest' | 'deserialize';
export interface MiddlewareOptions {
  name: string;
  step?: MiddlewareStep;
  priority?: 'high' | 'normal' | 'low';
}

interface Entry {
  middleware: Middleware;
  name: string;
  order: number;
}

const stepOrder: MiddlewareStep[] = ['initialize', 'serialize', 'build', 'finalizeRequest', 'deserialize'];
const priorityOrder = ['high', 'normal', 'low'];

export class MiddlewareStack {
  #entries: Entry[] = [];

  add(middleware: Middleware, { name, step = 'initialize', priority = 'normal' }: MiddlewareOptions): void {
    if (this.#entries.some((entry) => entry.name === name)) throw new Error(`Duplicate middleware name ${name}`);
    const order = stepOrder.indexOf(step) * priorityOrder.length + priorityOrder.indexOf(priority);
    this.#entries.push({ middleware, name, order });
  }

  remove(name: string): boolean {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((entry) => entry.name !== name);
    return this.#entries.length < before;
  }

  /** The handler with this kind's middlewares around it, in the order of the stack when the call began. */
  around(kind: 'call' | 'attempt', context: MiddlewareContext, handler: Handler): Handler {
    const callStep = priorityOrder.length;
    const entries = this.#entries
      .filter((entry) => (kind === 'call' ? entry.order < callStep : entry.order >= callStep))
      .sort((a, b) => a.order - b.order);
    return entries.reduceRight<Handler>((next, entry) => entry.middleware(next, context), handler);
  }
}
