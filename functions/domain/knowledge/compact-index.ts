/**
 * The compact retrieval index of a namespace: per chunk the sign bits of its embedding (1,024 dimensions →
 * 128 bytes) and the 16-bit hashes of its distinct terms. Warm functions keep it in memory and scan it to
 * choose a few candidates; only those chunks are then read and ranked exactly (rankChunks). Pure: no I/O.
 */
import { tokenize } from './lexical-scoring.ts';
import { type CandidateChunk, lexicalText } from './retrieval.ts';

export interface IndexEntry {
  chunkIndex: number;
  /** Sign bits of the embedding, dimension d in bit d % 8 of byte d / 8; absent when the chunk has none. */
  signBits?: Uint8Array;
  /** Sorted distinct 16-bit hashes of the chunk's terms (title, headings and text, as BM25 sees them). */
  termHashes: Uint16Array;
}

/** Bounds an index item: ~1,000 characters of chunk text hold far fewer distinct terms. */
const maxTermsPerChunk = 600;
const entryFormat = 1;

export function signBits(vector: readonly number[]): Uint8Array {
  const bits = new Uint8Array(Math.ceil(vector.length / 8));
  vector.forEach((value, dimension) => {
    if (value > 0) bits[dimension >> 3] = (bits[dimension >> 3] ?? 0) | (1 << (dimension & 7));
  });
  return bits;
}

/** FNV-1a folded to 16 bits: a query term collides with one of ~150 chunk terms with probability ~0.2 %. */
export function termHash(term: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < term.length; index++) {
    hash ^= term.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return ((hash >>> 16) ^ hash) & 0xffff;
}

export function termHashes(tokens: readonly string[]): Uint16Array {
  const distinct = [...new Set(tokens.map(termHash))].sort((a, b) => a - b).slice(0, maxTermsPerChunk);
  return Uint16Array.from(distinct);
}

export function indexEntryOf(
  chunk: Pick<CandidateChunk, 'chunkIndex' | 'title' | 'headingPath' | 'text' | 'embedding'>,
) {
  return {
    chunkIndex: chunk.chunkIndex,
    ...(chunk.embedding ? { signBits: signBits(chunk.embedding) } : {}),
    termHashes: termHashes(tokenize(lexicalText(chunk))),
  } satisfies IndexEntry;
}

/** Per entry: u16 chunk index, u8 sign-byte count (0 = no embedding), the sign bytes, u16 term count, terms. */
export function encodeIndexEntries(entries: readonly IndexEntry[]): Uint8Array {
  const size = entries.reduce((sum, entry) => sum + 5 + (entry.signBits?.length ?? 0) + 2 * entry.termHashes.length, 1);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes[0] = entryFormat;
  let offset = 1;
  for (const entry of entries) {
    view.setUint16(offset, entry.chunkIndex, true);
    const signByteCount = entry.signBits?.length ?? 0;
    if (signByteCount > 255) throw new Error(`An embedding of ${signByteCount * 8} dimensions is too long to index`);
    bytes[offset + 2] = signByteCount;
    if (entry.signBits) bytes.set(entry.signBits, offset + 3);
    offset += 3 + signByteCount;
    view.setUint16(offset, entry.termHashes.length, true);
    offset += 2;
    for (const hash of entry.termHashes) {
      view.setUint16(offset, hash, true);
      offset += 2;
    }
  }
  return bytes;
}

export function decodeIndexEntries(bytes: Uint8Array): IndexEntry[] {
  if (bytes[0] !== entryFormat) throw new Error(`Unknown knowledge index format ${bytes[0]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: IndexEntry[] = [];
  let offset = 1;
  while (offset < bytes.length) {
    const chunkIndex = view.getUint16(offset, true);
    const signByteCount = bytes[offset + 2] ?? 0;
    const signBitsOfEntry = signByteCount > 0 ? bytes.slice(offset + 3, offset + 3 + signByteCount) : undefined;
    offset += 3 + signByteCount;
    const termCount = view.getUint16(offset, true);
    offset += 2;
    const hashes = new Uint16Array(termCount);
    for (let term = 0; term < termCount; term++) hashes[term] = view.getUint16(offset + 2 * term, true);
    offset += 2 * termCount;
    entries.push({ chunkIndex, ...(signBitsOfEntry ? { signBits: signBitsOfEntry } : {}), termHashes: hashes });
  }
  return entries;
}

/** A namespace's entries in flat typed arrays: scanning 50,000 of them touches a few MB of contiguous memory. */
export interface CompactIndex {
  size: number;
  /** Position of the entry's document in the list the index was built from. */
  documentOrdinal: Uint32Array;
  chunkIndex: Uint16Array;
  signBytes: number;
  signBits: Uint8Array;
  /** 1 when the entry's sign bits are comparable with the current query vector. */
  semantic: Uint8Array;
  termStart: Uint32Array;
  terms: Uint16Array;
}

/**
 * Entries whose document is not `semantic` (embedded by another model) or whose vector has another length
 * than `dimensions` compete lexically only, as in rankChunks.
 */
export function buildCompactIndex(
  documents: ReadonlyArray<{ entries: readonly IndexEntry[]; semantic: boolean }>,
  dimensions: number,
): CompactIndex {
  const signBytes = Math.ceil(dimensions / 8);
  const size = documents.reduce((sum, document) => sum + document.entries.length, 0);
  const termTotal = documents.reduce(
    (sum, document) => sum + document.entries.reduce((terms, entry) => terms + entry.termHashes.length, 0),
    0,
  );
  const index: CompactIndex = {
    size,
    documentOrdinal: new Uint32Array(size),
    chunkIndex: new Uint16Array(size),
    signBytes,
    signBits: new Uint8Array(size * signBytes),
    semantic: new Uint8Array(size),
    termStart: new Uint32Array(size + 1),
    terms: new Uint16Array(termTotal),
  };
  let position = 0;
  let termOffset = 0;
  documents.forEach((document, ordinal) => {
    for (const entry of document.entries) {
      index.documentOrdinal[position] = ordinal;
      index.chunkIndex[position] = entry.chunkIndex;
      if (document.semantic && entry.signBits?.length === signBytes && signBytes > 0) {
        index.signBits.set(entry.signBits, position * signBytes);
        index.semantic[position] = 1;
      }
      index.termStart[position] = termOffset;
      index.terms.set(entry.termHashes, termOffset);
      termOffset += entry.termHashes.length;
      position++;
    }
  });
  index.termStart[size] = termOffset;
  return index;
}

export function compactIndexBytes(index: CompactIndex): number {
  return [index.documentOrdinal, index.chunkIndex, index.signBits, index.semantic, index.termStart, index.terms].reduce(
    (sum, array) => sum + array.byteLength,
    0,
  );
}

/**
 * The `count` entries whose sign vectors score highest against the float query: q · s with s in {−1, +1}^d,
 * which keeps the query's full precision (asymmetric), summed one byte at a time from per-byte lookup tables.
 * Entry positions, best first.
 */
export function semanticCandidates(index: CompactIndex, queryVector: readonly number[], count: number): number[] {
  const { signBytes } = index;
  if (signBytes === 0 || queryVector.length > signBytes * 8 || queryVector.length <= (signBytes - 1) * 8) return [];
  const tables = new Float64Array(signBytes * 256);
  for (let byte = 0; byte < signBytes; byte++) {
    const base = byte * 256;
    let allNegative = 0;
    for (let bit = 0; bit < 8; bit++) allNegative -= queryVector[byte * 8 + bit] ?? 0;
    tables[base] = allNegative;
    for (let value = 1; value < 256; value++) {
      const lowest = 31 - Math.clz32(value & -value);
      tables[base + value] = (tables[base + (value & (value - 1))] ?? 0) + 2 * (queryVector[byte * 8 + lowest] ?? 0);
    }
  }
  const best = new TopScores(count);
  const { signBits: bits, semantic } = index;
  for (let position = 0; position < index.size; position++) {
    if (semantic[position] === 0) continue;
    let score = 0;
    const start = position * signBytes;
    for (let byte = 0; byte < signBytes; byte++) score += tables[byte * 256 + (bits[start + byte] ?? 0)] ?? 0;
    best.offer(position, score);
  }
  return best.positions();
}

/**
 * The `count` entries holding the most query terms, each term weighted by its BM25 inverse document
 * frequency over the whole index (hash collisions make this an estimate; the exact BM25 runs afterwards).
 */
export function lexicalCandidates(index: CompactIndex, queryTokens: readonly string[], count: number): number[] {
  const queryHashes = [...new Set(queryTokens.map(termHash))].slice(0, 32);
  if (queryHashes.length === 0 || index.size === 0) return [];
  const matched = new Uint32Array(index.size);
  const containing = new Array<number>(queryHashes.length).fill(0);
  for (let position = 0; position < index.size; position++) {
    const start = index.termStart[position] ?? 0;
    const end = index.termStart[position + 1] ?? 0;
    queryHashes.forEach((hash, term) => {
      if (!containsSorted(index.terms, start, end, hash)) return;
      matched[position] = (matched[position] ?? 0) | (1 << term);
      containing[term] = (containing[term] ?? 0) + 1;
    });
  }
  const weights = containing.map((hits) => Math.log(1 + (index.size - hits + 0.5) / (hits + 0.5)));
  const best = new TopScores(count);
  for (let position = 0; position < index.size; position++) {
    const mask = matched[position] ?? 0;
    if (mask === 0) continue;
    let score = 0;
    weights.forEach((weight, term) => {
      if (mask & (1 << term)) score += weight;
    });
    best.offer(position, score);
  }
  return best.positions();
}

function containsSorted(values: Uint16Array, start: number, end: number, wanted: number): boolean {
  let low = start;
  let high = end - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const value = values[middle] ?? 0;
    if (value === wanted) return true;
    if (value < wanted) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

/** The best `capacity` (position, score) pairs seen, kept sorted; ties keep the earlier position. */
class TopScores {
  private readonly scores: number[] = [];
  private readonly kept: number[] = [];
  constructor(private readonly capacity: number) {}

  offer(position: number, score: number): void {
    if (this.capacity <= 0) return;
    const length = this.scores.length;
    if (length === this.capacity && score <= (this.scores[length - 1] ?? Number.NEGATIVE_INFINITY)) return;
    let low = 0;
    let high = length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.scores[middle] ?? 0) >= score) low = middle + 1;
      else high = middle;
    }
    this.scores.splice(low, 0, score);
    this.kept.splice(low, 0, position);
    if (this.scores.length > this.capacity) {
      this.scores.pop();
      this.kept.pop();
    }
  }

  positions(): number[] {
    return [...this.kept];
  }
}
