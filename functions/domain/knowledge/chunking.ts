/**
 * Splits a text or markdown document into retrieval chunks. Sections (headings) and paragraphs (blank
 * lines) are the natural units, so small paragraphs of one section are packed together up to `maxChars`
 * and a chunk never spans two sections; a paragraph longer than `maxChars` is cut into overlapping windows
 * so a sentence at a cut is still whole in one of them. Each chunk keeps its heading path as context.
 */
export interface TextChunk {
  chunkIndex: number;
  /** Enclosing headings, outermost first. */
  headingPath: string[];
  text: string;
}

export interface ChunkingOptions {
  maxChars: number;
  overlapChars: number;
}

export const defaultChunking: ChunkingOptions = { maxChars: 1000, overlapChars: 150 };

/** Headings are repeated on every chunk of their section, so a pathological heading line is cut short. */
const maxHeadingChars = 200;

interface Block {
  headingPath: string[];
  text: string;
}

export function chunkDocument(content: string, options: ChunkingOptions = defaultChunking): TextChunk[] {
  if (options.overlapChars < 0 || options.overlapChars * 2 >= options.maxChars) {
    throw new Error('The overlap must be less than half of the chunk size');
  }
  const normalised = content.replace(/\r\n?/g, '\n');
  let blocks = splitIntoBlocks(normalised);
  // A document of headings only still deserves to be findable.
  if (blocks.length === 0 && normalised.trim()) blocks = [{ headingPath: [], text: normalised.trim() }];
  return packBlocks(blocks, options).map((chunk, chunkIndex) => ({ chunkIndex, ...chunk }));
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

function packBlocks(blocks: Block[], options: ChunkingOptions): Block[] {
  const chunks: Block[] = [];
  let current: Block | undefined;
  for (const block of blocks) {
    if (
      current &&
      samePath(current.headingPath, block.headingPath) &&
      current.text.length + 2 + block.text.length <= options.maxChars
    ) {
      current.text += `\n\n${block.text}`;
      continue;
    }
    if (current) chunks.push(current);
    current = undefined;
    if (block.text.length <= options.maxChars) {
      current = { ...block };
      continue;
    }
    for (const text of slidingWindows(block.text, options)) chunks.push({ headingPath: block.headingPath, text });
  }
  if (current) chunks.push(current);
  return chunks;
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
