import { parsePartialJson } from 'ai';

/** Reads an AI SDK text stream as `useObject` does, keeping each distinct partial value seen before the end. */
export async function readObjectStream(response: Response): Promise<{ text: string; partials: unknown[] }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const partials: unknown[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const { value: partial } = await parsePartialJson(text);
    if (partial !== undefined && JSON.stringify(partial) !== JSON.stringify(partials.at(-1))) partials.push(partial);
  }
  return { text, partials };
}

export const postJsonTo =
  (baseUrl: () => string) =>
  (path: string, headers: Record<string, string>, body: unknown): Promise<Response> =>
    fetch(`${baseUrl()}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
