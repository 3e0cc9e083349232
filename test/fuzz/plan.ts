/**
 * The run's plan: which kinds of case exist, and how often each route meets each kind. Case `i` uses
 * rotation[i % length], a fixed shuffle of every route × applicable kind repeated by weight, so every
 * combination gets its share and a short run still touches every kind and many routes.
 */
import type { RouteEntry } from './oracle.ts';
import { Rng } from './prng.ts';

export const caseKinds = [
  'valid',
  'malformed-json',
  'wrong-type',
  'huge-string',
  'deep-nesting',
  'content-type',
  'auth',
  'path-params',
  'query',
  'method',
  'unknown-path',
  'raw',
] as const;
export type CaseKind = (typeof caseKinds)[number];

export interface Combination {
  /** Absent for the kinds that aim at no route (`unknown-path`, `raw`). */
  entry?: RouteEntry;
  kind: CaseKind;
}

export interface FuzzPlan {
  entries: RouteEntry[];
  /** The weighted round-robin: case i uses rotation[i % length]. */
  rotation: Combination[];
}

/** Fixed, so that the plan (and with it every seed's cases) only changes when the routes or weights do. */
const shuffleSeed = 0x5eed;

export function buildPlan(entries: RouteEntry[]): FuzzPlan {
  const rotation: Combination[] = [];
  const add = (entry: RouteEntry | undefined, kind: CaseKind, weight: number) => {
    for (let i = 0; i < weight; i++) rotation.push({ ...(entry ? { entry } : {}), kind });
  };
  for (const entry of entries) {
    add(entry, 'valid', 1);
    add(entry, 'auth', 2);
    add(entry, 'method', 1);
    add(entry, 'content-type', entry.readsBody ? 3 : 1);
    if (entry.params.length > 0) add(entry, 'path-params', 3);
    if (entry.spec.query) add(entry, 'query', 5);
    if (entry.readsBody) {
      add(entry, 'malformed-json', 4);
      add(entry, 'wrong-type', 6);
      add(entry, 'huge-string', 3);
      add(entry, 'deep-nesting', 2);
    } else {
      // DELETE carries a body through fetch (413 comes before routing); GET gets huge query values instead.
      add(entry, 'huge-string', 1);
    }
  }
  add(undefined, 'unknown-path', 14);
  add(undefined, 'raw', 12);
  // Interleave, so that a short run (FUZZ_CASES=200) still touches every kind and many routes.
  const shuffled: Combination[] = [];
  const rng = new Rng(shuffleSeed);
  const pool = [...rotation];
  while (pool.length > 0) shuffled.push(pool.splice(rng.int(0, pool.length - 1), 1)[0] as Combination);
  return { entries, rotation: shuffled };
}
