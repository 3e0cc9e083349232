/**
 * Writes `{"<key>": [...]}` as a text stream whose list may be re-ordered while it grows. A text stream can only
 * be appended to, and clients re-parse the whole text each time it grows (the AI SDK's `parsePartialJson`), so
 * a list that changes order starts again under the same key: `{"k":[b],"k":[a,b]}`. JSON parsers keep the last
 * value of a repeated key (JavaScript's `JSON.parse`, which `useObject` uses), so every parse of every prefix
 * is the latest list. When the list only grows at its end the text is a plain append, with no repetition.
 */

export interface OpenJson {
  /** The JSON text with its last string, array and object still open, so later growth can append to it. */
  text: string;
  /** What closes the open parts again. */
  closer: string;
}

/** `JSON.stringify(value)` split into an open text that a longer version of `value` extends, and its closer. */
export function openJson(value: unknown): OpenJson {
  if (typeof value === 'string') {
    const text = JSON.stringify(value);
    return { text: text.slice(0, -1), closer: '"' };
  }
  if (Array.isArray(value)) {
    return openContainer(
      '[',
      ']',
      value.map((element) => ({ prefix: '', value: element === undefined ? null : element })),
    );
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, member]) => member !== undefined);
    return openContainer(
      '{',
      '}',
      entries.map(([name, member]) => ({ prefix: `${JSON.stringify(name)}:`, value: member })),
    );
  }
  return { text: JSON.stringify(value ?? null), closer: '' };
}

function openContainer(open: string, close: string, members: Array<{ prefix: string; value: unknown }>): OpenJson {
  const last = members.at(-1);
  if (!last) return { text: open, closer: close };
  const before = members.slice(0, -1).map((member) => `${member.prefix}${JSON.stringify(member.value)},`);
  const tail = openJson(last.value);
  return { text: `${open}${before.join('')}${last.prefix}${tail.text}`, closer: `${tail.closer}${close}` };
}

export class ReorderableListText {
  readonly #keyText: string;
  /** The open text of the list as last written, or undefined before the first write. */
  #written: string | undefined;
  #closer = '';

  constructor(key: string) {
    this.#keyText = JSON.stringify(key);
  }

  /** The text to append so that the whole text parses to `{key: items}`; empty when nothing changed. */
  next(items: unknown[]): string {
    const { text, closer } = openJson(items);
    const written = this.#written;
    let delta: string;
    if (written === undefined) delta = `{${this.#keyText}:${text}`;
    else if (text.startsWith(written)) delta = text.slice(written.length);
    else delta = `${this.#closer},${this.#keyText}:${text}`;
    this.#written = text;
    this.#closer = closer;
    return delta;
  }

  /** The text that ends the object with `items` as the final list. */
  end(items: unknown[]): string {
    const delta = this.next(items);
    return `${delta}${this.#closer}}`;
  }
}
