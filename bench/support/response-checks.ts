/**
 * What a benchmark response must look like to count. A benchmark that measured errors or the wrong path would
 * print misleading figures, so every response is checked; each check returns why a response does not count, or
 * undefined when it does.
 */
import type { z } from 'zod';
import { icpResultSchema } from '../../functions/domain/strategy/icp.ts';
import type { TimedResponse } from './http-timing.ts';

type Problem = string | undefined;

const head = (body: string) => JSON.stringify(body.slice(0, 300));

/** HTTP 200 and a complete body that matches the schema. */
export function parses(schema: z.ZodType): (response: TimedResponse) => Problem {
  return (response) => {
    if (response.status !== 200) return `HTTP ${response.status}: ${head(response.body)}`;
    let value: unknown;
    try {
      value = JSON.parse(response.body);
    } catch {
      return `the body is not complete JSON (truncated stream?): …${JSON.stringify(response.body.slice(-200))}`;
    }
    const parsed = schema.safeParse(value);
    return parsed.success ? undefined : `the body does not match the schema: ${parsed.error.message.slice(0, 300)}`;
  };
}

/** An ICP answer: HTTP 200, the expected `x-cache` (when given), and a body that parses as an ICPResult. */
export function icpProblem(response: TimedResponse, cache?: 'hit' | 'miss'): Problem {
  if (response.status === 200 && cache && response.headers['x-cache'] !== cache) {
    return `expected x-cache: ${cache}, got ${String(response.headers['x-cache'])}`;
  }
  return parses(icpResultSchema)(response);
}

/** A streamed answer checked by its text alone (e.g. a UI message stream). */
export interface ResponseExpectation {
  status: number;
  /** The body must end with this text (e.g. the SSE terminator of a complete stream). */
  endsWith?: string;
  /** Substrings the body must contain. */
  contains?: string[];
  /** Substrings the body must not contain. */
  lacks?: string[];
}

export function expectationProblem(response: TimedResponse, expect: ResponseExpectation): Problem {
  if (response.status !== expect.status) return `HTTP ${response.status}: ${head(response.body)}`;
  if (expect.endsWith !== undefined && !response.body.endsWith(expect.endsWith)) {
    return `the body does not end with ${JSON.stringify(expect.endsWith)}: …${JSON.stringify(response.body.slice(-200))}`;
  }
  for (const text of expect.contains ?? []) {
    if (!response.body.includes(text)) return `the body lacks ${text}: ${head(response.body)}`;
  }
  for (const text of expect.lacks ?? []) {
    if (response.body.includes(text)) return `the body contains ${text}: ${head(response.body)}`;
  }
  return undefined;
}

/** Throws with the problem, so that the benchmark fails instead of printing figures of a wrong answer. */
export function mustPass<Response extends TimedResponse>(response: Response, what: string, problem: Problem): Response {
  if (problem) throw new Error(`${what}: ${problem}`);
  return response;
}
