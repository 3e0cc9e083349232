import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';

/**
 * The README and docs/ must stand on their own: every relative link resolves to a file of this repository (and an
 * anchor into a page of these docs to one of its headings), and no page points at material that is not in it.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pages = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Markdown without fenced code blocks and inline code spans, where links and headings are not links or headings. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Inline links and images `[text](target)` and reference definitions `[id]: target`. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1] ?? '');
  const definitions = [...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => match[1] ?? '');
  return [...inline, ...definitions];
}

/** The anchors a Markdown renderer gives the page's headings: lower case, punctuation dropped, spaces as hyphens. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = (match[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{Letter}\p{Number}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe.each(pages)('%s', (page) => {
  const markdown = readFileSync(path.join(root, page), 'utf8');

  test('every relative link points at an existing file of the repository', () => {
    const broken: string[] = [];
    for (const target of linkTargets(markdown)) {
      if (isExternal(target)) continue;
      const [filePart = '', anchor] = target.split('#');
      const file = filePart === '' ? path.join(root, page) : path.resolve(root, path.dirname(page), filePart);
      const relative = path.relative(root, file);
      if (relative.startsWith('..') || path.isAbsolute(relative)) {
        broken.push(`${target} (outside the repository)`);
      } else if (!existsSync(file)) {
        broken.push(`${target} (no such file)`);
      } else if (anchor && file.endsWith('.md') && pages.includes(relative) && statSync(file).isFile()) {
        if (!headingAnchors(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor))) {
          broken.push(`${target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  test('names no outside design document, shared folder or issue number', () => {
    const mentions = markdown
      .split('\n')
      .flatMap((line, index) =>
        /DESIGN|\.\.\/shared/.test(line) || /\bissues?\s+#?\d+/i.test(line) ? [`${index + 1}: ${line.trim()}`] : [],
      );
    expect(mentions).toEqual([]);
  });
});
