/** HTTP calls to a deployed API as any client makes them: fetch, a bearer key, JSON bodies. */
import { must } from './harness.ts';

export interface ApiTarget {
  /** Without a trailing slash (the stack output `ApiBaseUrl` has one). */
  baseUrl: string;
  apiKey: string;
}

export function apiTarget(baseUrl: string, apiKey: string): ApiTarget {
  return { baseUrl: baseUrl.replace(/\/+$/, ''), apiKey };
}

export const authorization = (target: ApiTarget) => ({ authorization: `Bearer ${target.apiKey}` });

export function call(
  target: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${target.baseUrl}${path}`, {
    method,
    headers: {
      ...authorization(target),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

/** The JSON body of a response with the expected status; anything else fails the check with what came back. */
export async function jsonOf<T = Record<string, unknown>>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  must(response.status === status, `expected ${status}, got ${response.status}: ${text.slice(0, 300)}`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`expected a JSON body, got: ${text.slice(0, 300)}`);
  }
}

/** A documented error: the status, `{error, code}` with a sentence and the code. */
export async function expectError(response: Response, status: number, code: string): Promise<string> {
  const body = await jsonOf<{ error?: unknown; code?: unknown }>(response, status);
  must(body.code === code, `expected code ${code}, got ${JSON.stringify(body.code)}`);
  must(typeof body.error === 'string' && body.error.length > 0, 'the error has no sentence');
  return `${status} ${code}`;
}
