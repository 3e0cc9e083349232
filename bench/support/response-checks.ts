// What a response must look like to count (figures of errors or of the wrong path would mislead): each check returns
// why a response does not count, or undefined when it does.
import type { z } from 'zod';
import { icpResultSchema } from '../../functions/domain/strategy/icp.ts';
import type { TimedResponse } from './http-timing.ts';

type Problem = string | undefined;

const head = (body: string) => JSON.stringify(body.slice(0, 300));
const tail = (body: string) => `…${JSON.stringify(body.slice(-200))}`;

/** HTTP 200 and a complete body that matches the schema. */
export function parses(schema: z.ZodType): (response: TimedResponse) => Problem {
  return ({ status, body }) => {
    if (status !== 200) return `HTTP ${status}: ${head(body)}`;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return `the body is not complete JSON (truncated stream?): ${tail(body)}`;
    }
    const parsed = schema.safeParse(value);
    return parsed.success ? undefined : `the body does not match the schema: ${parsed.error.message.slice(0, 300)}`;
  };
}

/** An ICP answer: HTTP 200, the expected `x-cache` (when given), and a body that parses as an ICPResult. */
export function icpProblem(response: TimedResponse, cache?: 'hit' | 'miss'): Problem {
  const xCache = response.headers['x-cache'];
  if (response.status === 200 && cache && xCache !== cache) return `expected x-cache: ${cache}, got ${String(xCache)}`;
  return parses(icpResultSchema)(response);
}

/** A streamed answer checked by its text alone (e.g. a UI message stream). */
export interface ResponseExpectation {
  status: number;
  /** e.g. the SSE terminator of a complete stream */
  endsWith?: string;
  contains?: string[];
  lacks?: string[];
}

export function expectationProblem({ status, body }: TimedResponse, expect: ResponseExpectation): Problem {
  if (status !== expect.status) return `HTTP ${status}: ${head(body)}`;
  if (expect.endsWith !== undefined && !body.endsWith(expect.endsWith)) {
    return `the body does not end with ${JSON.stringify(expect.endsWith)}: ${tail(body)}`;
  }
  const lacking = expect.contains?.find((text) => !body.includes(text));
  if (lacking !== undefined) return `the body lacks ${lacking}: ${head(body)}`;
  const unwanted = expect.lacks?.find((text) => body.includes(text));
  return unwanted === undefined ? undefined : `the body contains ${unwanted}: ${head(body)}`;
}

/** Throws with the problem, so that the benchmark fails instead of printing figures of a wrong answer. */
export function mustPass<Response extends TimedResponse>(response: Response, what: string, problem: Problem): Response {
  if (problem) throw new Error(`${what}: ${problem}`);
  return response;
}
