/**
 * The compact retrieval index of a namespace: per chunk the sign bits of its embedding (1,024 dimensions →
 * 128 bytes), the embedding in 4 bits per dimension (512 bytes) and the 16-bit hashes of its distinct terms.
 * Warm functions keep it in memory: the sign bits are scanned in full, the best of them re-scored with the
 * 4-bit vectors, and only the few best after that are read from the table and ranked exactly (rankChunks).
 * Pure: no I/O.
 */
import { tokenize } from './lexical-scoring.ts';
import { type CandidateChunk, lexicalText } from './retrieval.ts';

export interface IndexEntry {
  chunkIndex: number;
  /** Sign bits of the embedding, dimension d in bit d % 8 of byte d / 8; absent when the chunk has none. */
  signBits?: Uint8Array;
  /** The embedding in 4 bits per dimension (with signBits). */
  nibbles?: QuantisedVector;
  /** Sorted distinct 16-bit hashes of the chunk's terms (title, headings and text, as BM25 sees them). */
  termHashes: Uint16Array;
}

/** A vector as levels 0..15 (two dimensions a byte, even dimension low) standing for (level − 7.5) · step. */
export interface QuantisedVector {
  step: number;
  levels: Uint8Array;
}

/**
 * Bounds an index item to ~300 KB at 250 chunks: ~1,000 characters of chunk text hold ~150 distinct terms;
 * the first ones (title and headings come first) are kept when a grown chunk holds more.
 */
const maxTermsPerChunk = 256;
const entryFormat = 2;
/** Levels cover ±2.5 standard deviations of the vector's components; the rare larger ones are clamped. */
const quantisationRange = 2.5;

export function quantise(vector: readonly number[]): QuantisedVector {
  const rms = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0) / Math.max(1, vector.length)) || 1;
  // Float32, as stored: a decoded entry scores exactly like the one that was encoded.
  const step = Math.fround((quantisationRange * rms) / 8);
  const levels = new Uint8Array(Math.ceil(vector.length / 2));
  vector.forEach((value, dimension) => {
    const level = Math.max(0, Math.min(15, Math.floor(value / step + 8)));
    levels[dimension >> 1] = (levels[dimension >> 1] ?? 0) | (level << ((dimension & 1) * 4));
  });
  return { step, levels };
}

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
  const distinct = [...new Set(tokens.map(termHash))].slice(0, maxTermsPerChunk);
  return Uint16Array.from(distinct.sort((a, b) => a - b));
}

export function indexEntryOf(
  chunk: Pick<CandidateChunk, 'chunkIndex' | 'title' | 'headingPath' | 'text' | 'embedding'>,
) {
  return {
    chunkIndex: chunk.chunkIndex,
    ...(chunk.embedding ? { signBits: signBits(chunk.embedding), nibbles: quantise(chunk.embedding) } : {}),
    termHashes: termHashes(tokenize(lexicalText(chunk))),
  } satisfies IndexEntry;
}

/**
 * Per entry: u16 chunk index, u8 sign-byte count n (0 = no embedding), n sign bytes, then when n > 0 the f32
 * step and 4n level bytes, u16 term count, the terms as u16. Little-endian.
 */
export function encodeIndexEntries(entries: readonly IndexEntry[]): Uint8Array {
  const vectorBytes = (entry: IndexEntry) => (entry.signBits ? 5 * entry.signBits.length + 4 : 0);
  const size = entries.reduce((sum, entry) => sum + 5 + vectorBytes(entry) + 2 * entry.termHashes.length, 1);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes[0] = entryFormat;
  let offset = 1;
  for (const entry of entries) {
    view.setUint16(offset, entry.chunkIndex, true);
    const signByteCount = entry.signBits?.length ?? 0;
    if (signByteCount > 255) throw new Error(`An embedding of ${signByteCount * 8} dimensions is too long to index`);
    bytes[offset + 2] = signByteCount;
    offset += 3;
    if (entry.signBits) {
      if (entry.nibbles?.levels.length !== 4 * signByteCount)
        throw new Error('An indexed vector needs its 4-bit levels');
      bytes.set(entry.signBits, offset);
      view.setFloat32(offset + signByteCount, entry.nibbles.step, true);
      bytes.set(entry.nibbles.levels, offset + signByteCount + 4);
      offset += 5 * signByteCount + 4;
    }
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
    offset += 3;
    const vector =
      signByteCount > 0
        ? {
            signBits: bytes.slice(offset, offset + signByteCount),
            nibbles: {
              step: view.getFloat32(offset + signByteCount, true),
              levels: bytes.slice(offset + signByteCount + 4, offset + 5 * signByteCount + 4),
            },
          }
        : {};
    offset += signByteCount > 0 ? 5 * signByteCount + 4 : 0;
    const termCount = view.getUint16(offset, true);
    offset += 2;
    const hashes = new Uint16Array(termCount);
    for (let term = 0; term < termCount; term++) hashes[term] = view.getUint16(offset + 2 * term, true);
    offset += 2 * termCount;
    entries.push({ chunkIndex, ...vector, termHashes: hashes });
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
  /** 4 · signBytes level bytes per entry, and each entry's step. */
  levels: Uint8Array;
  steps: Float32Array;
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
    levels: new Uint8Array(size * signBytes * 4),
    steps: new Float32Array(size),
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
      if (document.semantic && entry.signBits?.length === signBytes && entry.nibbles && signBytes > 0) {
        index.signBits.set(entry.signBits, position * signBytes);
        index.levels.set(entry.nibbles.levels, position * signBytes * 4);
        index.steps[position] = entry.nibbles.step;
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
 * The `count` entries closest to the float query, best first (entry positions). Stage one scores every
 * entry's sign vector s ∈ {−1, +1}^d as q · s, keeping the query's full precision (asymmetric); stage two
 * re-scores the best `shortlist` of them with their 4-bit vectors. Both sum per-byte lookup tables.
 */
export function semanticCandidates(
  index: CompactIndex,
  queryVector: readonly number[],
  count: number,
  shortlist = Math.max(2000, 20 * count),
): number[] {
  const { signBytes } = index;
  if (signBytes === 0 || queryVector.length > signBytes * 8 || queryVector.length <= (signBytes - 1) * 8) return [];
  const signTable = byteTable(queryVector, 8, (bits, dimension) => ((bits >> dimension) & 1 ? 1 : -1));
  const firstStage = new TopScores(shortlist);
  const { signBits: bits, semantic } = index;
  for (let position = 0; position < index.size; position++) {
    if (semantic[position] === 0) continue;
    let score = 0;
    const start = position * signBytes;
    for (let byte = 0; byte < signBytes; byte++) score += signTable[byte * 256 + (bits[start + byte] ?? 0)] ?? 0;
    firstStage.offer(position, score);
  }
  const levelTable = byteTable(queryVector, 2, (levels, dimension) => ((levels >> (4 * dimension)) & 15) - 7.5);
  const levelBytes = signBytes * 4;
  const best = new TopScores(count);
  for (const position of firstStage.positions()) {
    let score = 0;
    const start = position * levelBytes;
    for (let byte = 0; byte < levelBytes; byte++)
      score += levelTable[byte * 256 + (index.levels[start + byte] ?? 0)] ?? 0;
    best.offer(position, score * (index.steps[position] ?? 0));
  }
  return best.positions();
}

/** table[b · 256 + v]: the query's dot product with byte b of a code whose byte value is v. */
function byteTable(
  queryVector: readonly number[],
  dimensionsPerByte: number,
  componentOf: (byteValue: number, dimensionInByte: number) => number,
): Float64Array {
  const bytes = Math.ceil(queryVector.length / dimensionsPerByte);
  const table = new Float64Array(bytes * 256);
  for (let byte = 0; byte < bytes; byte++) {
    for (let value = 0; value < 256; value++) {
      let sum = 0;
      for (let dimension = 0; dimension < dimensionsPerByte; dimension++) {
        sum += (queryVector[byte * dimensionsPerByte + dimension] ?? 0) * componentOf(value, dimension);
      }
      table[byte * 256 + value] = sum;
    }
  }
  return table;
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
