import type { OrganisationSummary } from '../../functions/domain/access/organisation-summary.ts';

/**
 * Where the playground sends requests and with which key. Both live in sessionStorage: the key is gone when
 * the tab closes, and is sent only as `Authorization: Bearer` to the chosen base URL.
 */
export interface Connection {
  apiKey: string;
  /** No trailing slash; defaults to the page's own origin (the local stack serves both). */
  baseUrl: string;
}

const keyItem = 'partneros.playground.apiKey';
const baseUrlItem = 'partneros.playground.baseUrl';

export const defaultBaseUrl = () => window.location.origin;

export function loadConnection(): Connection {
  return {
    apiKey: sessionStorage.getItem(keyItem) ?? '',
    baseUrl: sessionStorage.getItem(baseUrlItem) ?? defaultBaseUrl(),
  };
}

export function saveConnection({ apiKey, baseUrl }: Connection): Connection {
  const saved = { apiKey: apiKey.trim(), baseUrl: (baseUrl.trim() || defaultBaseUrl()).replace(/\/+$/, '') };
  sessionStorage.setItem(keyItem, saved.apiKey);
  sessionStorage.setItem(baseUrlItem, saved.baseUrl);
  return saved;
}

export const authorization = (apiKey: string): Record<string, string> =>
  apiKey ? { Authorization: `Bearer ${apiKey}` } : {};

/** The API's error body is `{ error, code }`; the AI SDK hooks put the raw body into Error.message. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  try {
    const body = JSON.parse(message) as { error?: unknown; code?: unknown };
    if (typeof body.error === 'string')
      return typeof body.code === 'string' ? `${body.error} (${body.code})` : body.error;
  } catch {
    // not JSON: a network error or the SDK's own message
  }
  return message;
}

export async function getJson<T>(connection: Connection, path: string): Promise<T> {
  const response = await fetch(`${connection.baseUrl}${path}`, { headers: authorization(connection.apiKey) });
  if (!response.ok) throw new Error(await response.text());
  return (await response.json()) as T;
}

export async function postJson<T>(connection: Connection, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${connection.baseUrl}${path}`, {
    method: 'POST',
    headers: { ...authorization(connection.apiKey), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(await response.text());
  return (await response.json()) as T;
}

/** `GET /api/organisation`, typed from the API's schema. */
export type Organisation = OrganisationSummary;

export const emailDomain = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();
