/**
 * `auth` cases: the route's valid request with its Authorization header missing or wrong in one way —
 * scheme, separator, case, a truncated, extended, unknown, revoked or doubled key. The oracle decides which
 * spellings of the right key still pass.
 */
import type { RouteEntry } from '../oracle.ts';
import { type Draft, type DraftContext, validDraft } from './draft.ts';

export function authHeader(context: DraftContext, entry: RouteEntry): Draft {
  const { rng, fixtures } = context;
  const key = fixtures.apiKey;
  const secret = key.slice(-43);
  const flipped = (secret.at(-1) === 'A' ? 'B' : 'A') as string;
  const variants: Array<[string, string | undefined]> = [
    ['missing', undefined],
    ['empty', ''],
    ['scheme only', 'Bearer'],
    ['scheme and spaces', 'Bearer    '],
    ['basic', `Basic ${Buffer.from(`user:${key}`).toString('base64')}`],
    ['token scheme', `Token ${key}`],
    ['no scheme', key],
    ['lower-case scheme', `bearer ${key}`],
    ['upper-case scheme', `BEARER ${key}`],
    ['tab separator', `Bearer\t${key}`],
    ['several spaces', `Bearer     ${key}`],
    ['truncated key', `Bearer ${key.slice(0, rng.int(1, key.length - 1))}`],
    ['key + 1 char', `Bearer ${key}${rng.pick(['A', '_', '-', '='])}`],
    ['wrong secret', `Bearer ${key.slice(0, -1)}${flipped}`],
    ['unknown key id', `Bearer pos_${rng.uuid()}_${secret}`],
    ['upper-case key id', `Bearer pos_${fixtures.keyId.toUpperCase()}_${secret}`],
    ['revoked key', `Bearer ${fixtures.revokedApiKey}`],
    ['two keys', `Bearer ${key} ${key}`],
    ['comma-joined duplicate', `Bearer ${key}, Bearer ${key}`],
    ['prefix only', 'Bearer pos_'],
    ['long garbage', `Bearer ${rng.string(rng.int(100, 8_000), 'ABCDEFabcdef0123456789-_')}`],
    ['latin-1 junk', `Bearer ${rng.string(rng.int(1, 80), 'éàüß\u00ff\u00a0xyz')}`],
    ['quoted key', `Bearer "${key}"`],
    ['scheme twice', `Bearer Bearer ${key}`],
  ];
  const [label, value] = rng.pick(variants);
  const draft = validDraft(context, entry);
  if (value === undefined) delete draft.headers.authorization;
  else draft.headers.authorization = value;
  draft.label = `auth: ${label}`;
  return draft;
}
