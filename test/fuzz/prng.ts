/**
 * A small seeded PRNG for the fuzz tests (and the benchmarks' write gaps: a fixed seed gives the same gaps on every
 * run, so runs stay comparable). Every case gets its own generator derived from (seed, case index),
 * so any single case can be regenerated without running the ones before it (FUZZ_SEED + FUZZ_CASE).
 */

/** mulberry32: 32-bit state, good enough spread for test-case generation, trivially reproducible. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes the run seed and a case index into an independent 32-bit seed (murmur3 finaliser). */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Rng {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  /** [0, 1) */
  float(): number {
    return this.#next();
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.#next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.#next() * items.length)] as T;
  }

  /** Picks by weight: `[[weight, value], ...]`. */
  weighted<T>(entries: ReadonlyArray<readonly [number, T]>): T {
    const total = entries.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.#next() * total;
    for (const [weight, value] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return (entries.at(-1) as readonly [number, T])[1];
  }

  /** A random string from the alphabet, `length` characters long. */
  string(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.#next() * alphabet.length)];
    return out;
  }

  /** Arbitrary code points, including control characters, lone surrogates and astral characters. */
  nastyString(length: number): string {
    const pieces = [
      '\u0000',
      '\u0007',
      '\n',
      '\r\n',
      '\t',
      '"',
      '\\',
      '/',
      '\u00e9',
      '\u202e',
      '\ufeff',
      '\ufffd',
      '\ud800',
      '\udfff',
      '\u{1f600}',
      '%00',
      '%zz',
      '\u0024{x}', // "${x}"
      '{{x}}',
      '<script>',
      "'",
      '`',
      'NaN',
      '__proto__',
      'constructor',
      ' ',
    ];
    let out = '';
    while (out.length < length) out += this.chance(0.5) ? this.pick(pieces) : this.string(this.int(1, 4));
    return out;
  }

  uuid(): string {
    const hex = '0123456789abcdef';
    const part = (n: number) => this.string(n, hex);
    return `${part(8)}-${part(4)}-4${part(3)}-${this.pick(['8', '9', 'a', 'b'])}${part(3)}-${part(12)}`;
  }
}
