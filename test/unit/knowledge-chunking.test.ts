import { describe, expect, test } from '@jest/globals';
import { chunkDocument, defaultChunking, embeddingInput } from '../../functions/domain/knowledge/chunking.ts';
import { splitIntoContentParts } from '../../functions/domain/knowledge/content-parts.ts';
import { maxContentChars } from '../../functions/domain/knowledge/document.ts';

const sentence = (n: number) => `Sentence number ${n} talks about partner programmes and co-selling motions.`;
const longParagraph = Array.from({ length: 60 }, (_, n) => sentence(n)).join(' ');
const tinySectionsHandbook = [
  '# Partner handbook',
  'Intro paragraph.',
  '',
  '## Tiers',
  'Gold partners get MDF.',
  '',
  'Silver partners get leads.',
  '### Requirements',
  'Two certified engineers.',
  '## Pricing ##',
  'Discounts by tier.',
].join('\n');

describe('chunkDocument', () => {
  // Sections this short are merged by default (below); switched off here to see the heading parsing alone.
  test('keeps the heading path and starts a new chunk at every section', () => {
    const chunks = chunkDocument(tinySectionsHandbook, { minSectionChars: 0 });
    expect(chunks).toEqual([
      { chunkIndex: 0, headingPath: ['Partner handbook'], text: 'Intro paragraph.' },
      {
        chunkIndex: 1,
        headingPath: ['Partner handbook', 'Tiers'],
        text: 'Gold partners get MDF.\n\nSilver partners get leads.',
      },
      { chunkIndex: 2, headingPath: ['Partner handbook', 'Tiers', 'Requirements'], text: 'Two certified engineers.' },
      { chunkIndex: 3, headingPath: ['Partner handbook', 'Pricing'], text: 'Discounts by tier.' },
    ]);
  });

  test('packs paragraphs up to the limit, and never emits empty chunks', () => {
    const paragraphs = Array.from({ length: 12 }, (_, n) => `${sentence(n)} ${sentence(n + 100)}`);
    const chunks = chunkDocument(`\n\n${paragraphs.join('\n\n\n')}\n\n   \n`);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.text.trim()).toBe(chunk.text);
      expect(chunk.text.length).toBeGreaterThan(0);
      expect(chunk.text.length).toBeLessThanOrEqual(defaultChunking.maxChars);
    }
    // Every paragraph lands whole in exactly one chunk.
    for (const paragraph of paragraphs) {
      expect(chunks.filter((chunk) => chunk.text.includes(paragraph))).toHaveLength(1);
    }
  });

  test('cuts a long paragraph into overlapping windows at sentence ends', () => {
    const chunks = chunkDocument(`# Programme\n\n${longParagraph}`);
    expect(chunks.length).toBeGreaterThan(3);
    chunks.forEach((chunk, index) => {
      expect(chunk.chunkIndex).toBe(index);
      expect(chunk.headingPath).toEqual(['Programme']);
      expect(chunk.text.length).toBeLessThanOrEqual(defaultChunking.maxChars);
      if (index < chunks.length - 1) expect(chunk.text.endsWith('.')).toBe(true);
      const next = chunks[index + 1];
      if (next) {
        // The next window starts inside this one, roughly the overlap before its end.
        const overlapStart = chunk.text.indexOf(next.text.slice(0, 40));
        expect(overlapStart).toBeGreaterThan(0);
        const overlap = chunk.text.length - overlapStart;
        expect(overlap).toBeGreaterThanOrEqual(100);
        expect(overlap).toBeLessThanOrEqual(defaultChunking.overlapChars);
      }
    });
    // Nothing is lost: every sentence is whole in some chunk.
    for (let n = 0; n < 60; n++) expect(chunks.some((chunk) => chunk.text.includes(sentence(n)))).toBe(true);
  });

  test('cuts a paragraph without spaces hard, without splitting surrogate pairs', () => {
    const text = '🙂'.repeat(1500);
    const chunks = chunkDocument(text);
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(defaultChunking.maxChars);
      expect(chunk.text.length % 2).toBe(0);
      expect(chunk.text).toMatch(/^(🙂)+$/u);
    }
  });

  test('leaves headings inside fenced code alone and keeps a code block together', () => {
    const chunks = chunkDocument('# Setup\n\n```bash\n# install\nnpm ci\n\nnpm test\n```\n\nDone.');
    expect(chunks).toEqual([
      { chunkIndex: 0, headingPath: ['Setup'], text: '```bash\n# install\nnpm ci\n\nnpm test\n```\n\nDone.' },
    ]);
  });

  test('understands setext headings and CRLF line ends', () => {
    const chunks = chunkDocument('Guide\r\n=====\r\n\r\nBody one.\r\n\r\nDetails\r\n-------\r\nBody two.', {
      minSectionChars: 0,
    });
    expect(chunks).toEqual([
      { chunkIndex: 0, headingPath: ['Guide'], text: 'Body one.' },
      { chunkIndex: 1, headingPath: ['Guide', 'Details'], text: 'Body two.' },
    ]);
  });

  test('a document of headings only still yields one chunk; a blank one yields none', () => {
    expect(chunkDocument('# Only a title\n## And a subtitle')).toEqual([
      { chunkIndex: 0, headingPath: [], text: '# Only a title\n## And a subtitle' },
    ]);
    expect(chunkDocument(' \n\n\t\n')).toEqual([]);
  });

  test('is deterministic', () => {
    const content = `# A\n\n${longParagraph}\n\n## B\n\nShort.`;
    expect(chunkDocument(content)).toEqual(chunkDocument(content));
  });

  test('rejects an overlap that would stop the windows from advancing', () => {
    expect(() => chunkDocument('x', { maxChars: 100, overlapChars: 50 })).toThrow();
  });

  test('the embedding input places the chunk in its document', () => {
    expect(embeddingInput('Handbook', { headingPath: ['Tiers', 'Gold'], text: 'MDF.' })).toBe(
      'Handbook > Tiers > Gold\n\nMDF.',
    );
  });
});

describe('small sections and the chunk budget', () => {
  /** A paragraph of exactly `length` characters that names itself, so it can be found again. */
  const paragraph = (label: string, length: number) =>
    `${label} ${'partner programme '.repeat(Math.ceil(length / 18))}`
      .slice(0, length - 1)
      .trimEnd()
      .padEnd(length - 1, 'x') + '.';
  /** Pieces appended while the document stays within the content maximum. */
  const documentOf = (piece: (n: number) => string) => {
    let content = '';
    for (let n = 0; content.length + piece(n).length <= maxContentChars; n++) content += piece(n);
    return content;
  };

  test('tiny sections merge into one chunk: common heading path, each part under its own heading lines', () => {
    expect(chunkDocument(tinySectionsHandbook)).toEqual([
      {
        chunkIndex: 0,
        headingPath: ['Partner handbook'],
        text: [
          'Intro paragraph.',
          '',
          '## Tiers',
          'Gold partners get MDF.',
          '',
          'Silver partners get leads.',
          '',
          '### Requirements',
          'Two certified engineers.',
          '',
          '## Pricing',
          'Discounts by tier.',
        ].join('\n'),
      },
    ]);
  });

  test('sections of normal length stay chunks of their own; a tiny one joins its neighbour', () => {
    const sections = ['Tiers', 'Margins', 'Enablement', 'Co-selling'].map((heading, n) => ({
      heading,
      body: `${paragraph(`${heading}-a`, 150 + 60 * n)}\n\n${paragraph(`${heading}-b`, 120)}`,
    }));
    const content = [
      '# Handbook',
      ...sections.flatMap(({ heading, body }, n) => [
        `## ${heading}`,
        body,
        ...(n === 1 ? ['## Contact', 'Mail us.'] : []),
      ]),
    ].join('\n');
    // The tiny section joins the chunk before it, which then holds the headings both share.
    const expected = sections.map(({ heading, body }, n) =>
      n === 1
        ? { headingPath: ['Handbook'], text: `## ${heading}\n${body}\n\n## Contact\nMail us.` }
        : { headingPath: ['Handbook', heading], text: body },
    );
    expect(chunkDocument(content).map(({ headingPath, text }) => ({ headingPath, text }))).toEqual(expected);
  });

  test('a document of one-line sections (199 KB) stays within the budget, every heading findable', () => {
    const content = documentOf((n) => `# H${n}\nP${n}\n`);
    const headings = [...content.matchAll(/^# (.+)$/gm)].map((match) => match[1] ?? '');
    expect(content.length).toBeGreaterThan(199_000);
    const chunks = chunkDocument(content);
    expect(chunks.length).toBeLessThanOrEqual(250);
    expect(chunkDocument(content, { minSectionChars: 0, targetChunks: Number.POSITIVE_INFINITY }).length).toBe(
      headings.length,
    );
    const findable = new Set(chunks.flatMap((chunk) => [...chunk.headingPath, ...chunk.text.split('\n')]));
    const lost = headings.filter((heading) => !findable.has(heading) && !findable.has(`# ${heading}`));
    expect(lost).toEqual([]);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(defaultChunking.maxChars);
  });

  // Each shape defeats the default cut on its own: paragraphs just too long to pair, paragraphs just too long
  // for one chunk, sections just above the merge threshold, sentences that force the shortest windows, and
  // deep headings that fill chunks with heading lines.
  const worstCases: Array<[string, string]> = [
    ['paragraphs of half a chunk plus one', documentOf((n) => `${paragraph(`P${n}`, 500)}\n\n`)],
    ['paragraphs of a chunk plus one', documentOf((n) => `${paragraph(`P${n}`, 1001)}\n\n`)],
    ['sections just above the merge threshold', documentOf((n) => `# S${n}\n${paragraph(`P${n}`, 64)}\n`)],
    ['one paragraph of sentences 501 apart', documentOf((n) => `${paragraph(`P${n}`, 500)} `)],
    [
      'deep headings over short sections',
      documentOf(
        (n) => `# A${n % 3}\n## ${'b'.repeat(150)}\n### C${n} ${'c'.repeat(150)}\n${paragraph(`P${n}`, 100)}\n`,
      ),
    ],
  ];

  test.each(worstCases)('%s: a document of the maximum size stays within the budget, nothing lost', (_, content) => {
    expect(content.length).toBeGreaterThan(maxContentChars - 1200);
    expect(chunkDocument(content, { targetChunks: Number.POSITIVE_INFINITY }).length).toBeGreaterThan(
      defaultChunking.targetChunks,
    );
    const chunks = chunkDocument(content);
    expect(chunks.length).toBeLessThanOrEqual(defaultChunking.targetChunks);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(2 * defaultChunking.maxChars);
    const labels = content.match(/P\d+ /g) ?? [];
    const text = chunks.map((chunk) => chunk.text).join('\n');
    expect(labels.filter((label) => !text.includes(label))).toEqual([]);
  });
});

describe('splitIntoContentParts', () => {
  test('splits long content into parts that join back to the original', () => {
    const content = 'abc'.repeat(70_000);
    const parts = splitIntoContentParts(content);
    expect(parts.map((part) => part.length)).toEqual([100_000, 100_000, 10_000]);
    expect(parts.join('')).toBe(content);
    expect(splitIntoContentParts('short')).toEqual(['short']);
  });

  test('never separates the halves of a surrogate pair', () => {
    const content = `a${'🙂'.repeat(10)}`;
    const parts = splitIntoContentParts(content, 4);
    expect(parts.join('')).toBe(content);
    for (const part of parts) expect(part).toMatch(/^(a|🙂)+$/u);
  });
});
