/**
 * Splits a text or markdown document into retrieval chunks. Sections (headings) and paragraphs (blank
 * lines) are the natural units, so small paragraphs of one section are packed together up to `maxChars`;
 * a paragraph longer than `maxChars` is cut into overlapping windows so a sentence at a cut is still whole
 * in one of them. Each chunk keeps its heading path as context.
 *
 * Every chunk costs the same (one embedding call, one write, one item loaded by every retrieval in its
 * namespace) however little text it holds, so chunks are kept from being tiny:
 * - A section shorter than `minSectionChars`, or one that follows a chunk still shorter than that, is
 *   merged into the neighbouring chunk instead of starting its own. A merged chunk's `headingPath` is the
 *   common prefix of its parts' paths, and each part's headings below that prefix are written into the
 *   text as markdown heading lines (`## Pricing`), so every heading stays findable and each part keeps its
 *   context. Sections of normal length still start a chunk of their own.
 * - A document that would still need more than `targetChunks` chunks is cut again with chunks sized to
 *   fit that budget (and sections below half a chunk merged). A document of up to `maxContentChars` then
 *   costs a bounded number of embedding calls and writes whatever its shape; normal documents are never
 *   re-cut, so their chunks keep the default size.
 */
export interface TextChunk {
  chunkIndex: number;
  /** Enclosing headings, outermost first; for a chunk that merges sections, the headings they share. */
  headingPath: string[];
  text: string;
}

export interface ChunkingOptions {
  maxChars: number;
  overlapChars: number;
  /** Sections shorter than this are merged with a neighbour instead of becoming a chunk of their own. */
  minSectionChars: number;
  /** More chunks than this and the document is cut again with larger chunks. */
  targetChunks: number;
}

/**
 * 1,000 characters (about 250 tokens) keeps one topic per chunk. A section below 64 characters is about a
 * sentence: too little for an embedding of its own. 250 chunks keep a document of `maxContentChars` below
 * the default per-document limit of 300 with room to spare.
 */
export const defaultChunking: ChunkingOptions = {
  maxChars: 1000,
  overlapChars: 150,
  minSectionChars: 64,
  targetChunks: 250,
};

/** Each re-cut after the first grows the chunks by a factor in this range: enough to converge in a few, and
 * not so much that one badly fragmented document jumps to huge chunks. */
const growth = { min: 1.25, max: 2 };
const maxCuts = 8;

/** Headings are repeated on every chunk of their section, so a pathological heading line is cut short. */
const maxHeadingChars = 200;

interface Block {
  headingPath: string[];
  text: string;
}

export function chunkDocument(content: string, overrides: Partial<ChunkingOptions> = {}): TextChunk[] {
  const options = { ...defaultChunking, ...overrides };
  if (options.overlapChars < 0 || options.overlapChars * 2 >= options.maxChars) {
    throw new Error('The overlap must be less than half of the chunk size');
  }
  const normalised = content.replace(/\r\n?/g, '\n');
  let blocks = splitIntoBlocks(normalised);
  // A document of headings only still deserves to be findable.
  if (blocks.length === 0 && normalised.trim()) blocks = [{ headingPath: [], text: normalised.trim() }];
  let cut = options;
  let chunks = packBlocks(blocks, cut);
  for (let attempt = 1; attempt < maxCuts && chunks.length > options.targetChunks; attempt++) {
    cut = largerChunks(cut, chunks.length / options.targetChunks);
    chunks = packBlocks(blocks, cut);
  }
  return chunks.map((chunk, chunkIndex) => ({ chunkIndex, ...chunk }));
}

/**
 * The first re-cut keeps the chunk size and merges every section below half a chunk, which is enough for
 * a document of many small sections; later ones also grow the chunks by the factor the budget was missed by.
 */
function largerChunks(options: ChunkingOptions, excess: number): ChunkingOptions {
  const mergingOnly = options.minSectionChars < Math.floor(options.maxChars / 2);
  const factor = mergingOnly ? 1 : Math.min(growth.max, Math.max(growth.min, excess));
  const maxChars = Math.ceil(options.maxChars * factor);
  return { ...options, maxChars, minSectionChars: Math.floor(maxChars / 2) };
}

/** What is embedded for a chunk: the title and heading path place the text in its document. */
export function embeddingInput(title: string, chunk: Pick<TextChunk, 'headingPath' | 'text'>): string {
  return `${[title, ...chunk.headingPath].join(' > ')}\n\n${chunk.text}`;
}

const fenceOpening = /^ {0,3}(`{3,}|~{3,})/;
const atxHeading = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const setextUnderline = /^ {0,3}(=+|-+)[ \t]*$/;

function splitIntoBlocks(content: string): Block[] {
  const blocks: Block[] = [];
  const headings: Array<{ level: number; text: string }> = [];
  let lines: string[] = [];
  let fence: string | undefined;

  const headingPath = () => headings.map((heading) => heading.text).filter(Boolean);
  const flush = () => {
    const text = lines.join('\n').trim();
    if (text) blocks.push({ headingPath: headingPath(), text });
    lines = [];
  };
  const enterHeading = (level: number, text: string) => {
    while ((headings.at(-1)?.level ?? 0) >= level) headings.pop();
    headings.push({ level, text: text.trim().slice(0, maxHeadingChars) });
  };

  for (const line of content.split('\n')) {
    if (fence !== undefined) {
      lines.push(line);
      if (closesFence(line, fence)) {
        fence = undefined;
        flush();
      }
      continue;
    }
    const opening = fenceOpening.exec(line);
    if (opening?.[1]) {
      flush();
      fence = opening[1];
      lines.push(line);
      continue;
    }
    const heading = atxHeading.exec(line);
    if (heading?.[1]) {
      flush();
      enterHeading(heading[1].length, heading[2] ?? '');
      continue;
    }
    const underline = setextUnderline.exec(line);
    if (underline?.[1] && lines.length > 0) {
      const text = lines.join(' ');
      lines = [];
      enterHeading(underline[1].startsWith('=') ? 1 : 2, text);
      continue;
    }
    if (line.trim() === '') flush();
    else lines.push(line);
  }
  flush();
  return blocks;
}

function closesFence(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && trimmed === (fence[0] ?? '').repeat(trimmed.length);
}

/** Consecutive blocks of one heading path, with their total length. */
interface Section {
  headingPath: string[];
  blocks: Block[];
  chars: number;
}

function groupSections(blocks: Block[]): Section[] {
  const sections: Section[] = [];
  for (const block of blocks) {
    const last = sections.at(-1);
    if (last && samePath(last.headingPath, block.headingPath)) {
      last.blocks.push(block);
      last.chars += block.text.length;
    } else sections.push({ headingPath: block.headingPath, blocks: [block], chars: block.text.length });
  }
  return sections;
}

/** The parts of the chunk being filled, and an upper bound of its rendered length. */
class ChunkUnderway {
  readonly parts: Block[] = [];
  /** Texts, separators and the heading lines between parts of different paths. */
  private bodyChars = 0;
  /** The first part's heading lines, rendered only when another path joins (at most this long). */
  private leadingHeadingChars = 0;
  private mixed = false;
  textChars = 0;

  /** The rendered length with `block` added, as an upper bound. */
  lengthWith(block: Block): number {
    const last = this.parts.at(-1);
    if (!last) return block.text.length;
    const mixed = this.mixed || !samePath(last.headingPath, block.headingPath);
    return this.bodyChars + appendedChars(last, block) + (mixed ? this.leadingHeadingChars : 0);
  }

  add(block: Block): void {
    const last = this.parts.at(-1);
    if (last) {
      this.mixed ||= !samePath(last.headingPath, block.headingPath);
      this.bodyChars += appendedChars(last, block);
    } else {
      this.bodyChars = block.text.length;
      this.leadingHeadingChars = headingLinesLength([], block.headingPath);
    }
    this.textChars += block.text.length;
    this.parts.push(block);
  }
}

/** What appending `block` after `last` adds: the paragraph break, the heading lines between them, its text. */
const appendedChars = (last: Block, block: Block) =>
  2 + headingLinesLength(last.headingPath, block.headingPath) + block.text.length;

function packBlocks(blocks: Block[], options: ChunkingOptions): Block[] {
  const chunks: Block[] = [];
  let chunk = new ChunkUnderway();
  const finish = () => {
    if (chunk.parts.length > 0) chunks.push(renderChunk(chunk.parts));
    chunk = new ChunkUnderway();
  };
  for (const section of groupSections(blocks)) {
    // A section joins the chunk before it only when one of the two is too small to stand alone.
    const mayJoin = section.chars < options.minSectionChars || chunk.textChars < options.minSectionChars;
    for (const [index, block] of section.blocks.entries()) {
      if (block.text.length > options.maxChars) {
        finish();
        for (const text of slidingWindows(block.text, options)) chunks.push({ headingPath: block.headingPath, text });
        continue;
      }
      const joins = chunk.parts.length > 0 && (index > 0 || mayJoin) && chunk.lengthWith(block) <= options.maxChars;
      if (!joins) finish();
      chunk.add(block);
    }
  }
  finish();
  return chunks;
}

/**
 * One part: its text. Several: the common heading path, and in the text each part under the headings by
 * which it differs from the part before (the first part: from the common path), as markdown heading lines.
 */
function renderChunk(parts: Block[]): Block {
  const headingPath = parts.map((part) => part.headingPath).reduce(commonPrefix);
  let previousPath = headingPath;
  const texts = parts.map((part) => {
    const headings = headingLines(previousPath, part.headingPath);
    previousPath = part.headingPath;
    return [...headings, part.text].join('\n');
  });
  return { headingPath, text: texts.join('\n\n') };
}

/** The markdown heading lines that lead from `from` into `to` (level = depth in the path). */
function headingLines(from: string[], to: string[]): string[] {
  const shared = commonPrefix(from, to).length;
  return to.slice(shared).map((heading, index) => `${'#'.repeat(Math.min(6, shared + index + 1))} ${heading}`);
}

function headingLinesLength(from: string[], to: string[]): number {
  return headingLines(from, to).reduce((total, line) => total + line.length + 1, 0);
}

function commonPrefix(a: string[], b: string[]): string[] {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  return a.slice(0, length);
}

function samePath(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((heading, index) => heading === b[index]);
}

function slidingWindows(text: string, { maxChars, overlapChars }: ChunkingOptions): string[] {
  const windows: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + maxChars);
    if (end < text.length) end = breakBefore(text, start + Math.floor(maxChars / 2), end);
    const window = text.slice(start, end).trim();
    if (window) windows.push(window);
    if (end >= text.length) break;
    start = wordStartAfter(text, end - overlapChars, end);
  }
  return windows;
}

/** The best cut in (min, end]: after a sentence, else after whitespace, else `end` itself. */
function breakBefore(text: string, min: number, end: number): number {
  // One character past `end` so a full stop that ends the window can see the space after it.
  const region = text.slice(min, end + 1);
  const sentenceEnds = [...region.matchAll(/[.!?](?=\s)|\n/g)].filter((match) => min + match.index < end);
  const lastSentenceEnd = sentenceEnds.at(-1);
  if (lastSentenceEnd) return min + lastSentenceEnd.index + 1;
  const lastSpace = region.slice(0, end - min).search(/\s\S*$/);
  if (lastSpace >= 0) return min + lastSpace;
  return avoidSplittingSurrogatePair(text, end);
}

/** The first word start at or after `from`, so a window never begins mid-word (unless one word fills it). */
function wordStartAfter(text: string, from: number, limit: number): number {
  if (from <= 0 || /\s/.test(text[from - 1] ?? '')) return from;
  const nextSpace = text.slice(from, limit).search(/\s/);
  return nextSpace === -1 ? avoidSplittingSurrogatePair(text, from) : from + nextSpace + 1;
}

function avoidSplittingSurrogatePair(text: string, index: number): number {
  const code = text.charCodeAt(index - 1);
  return code >= 0xd800 && code <= 0xdbff ? index - 1 : index;
}
