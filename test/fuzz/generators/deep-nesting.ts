/**
 * `deep-nesting` cases: arrays and objects nested thousands of levels deep (or just around the API's nesting
 * limit, 64), as the whole body or in place of one field. The chat route also gets them where its schema
 * accepts arbitrary JSON (data parts, metadata, provider metadata, tool output), since only the depth
 * check stands between such a body and the model.
 */
import type { RouteEntry } from '../oracle.ts';
import { formatPath, schemaFields, withField } from '../schema-paths.ts';
import { type Draft, type DraftContext, validBodyValue, withJsonText } from './draft.ts';
import { nestedJson } from './values.ts';

/** A plain-ASCII marker: JSON.stringify would escape control characters and the marker would not match. */
const marker = '__FUZZ_DEEP__';

export function deepNesting(context: DraftContext, entry: RouteEntry): Draft {
  const { rng } = context;
  const shape = rng.pick(['array', 'object', 'mixed'] as const);
  const chat = entry.key === 'POST /api/ai/chat';
  const depth = rng.weighted<number>([
    [5, rng.int(10_000, 30_000)],
    [3, rng.int(40_000, 100_000)],
    [chat ? 4 : 1, rng.int(1_000, 9_000)],
    // Around the API's nesting limit (64).
    [chat ? 3 : 1, rng.int(50, 80)],
  ]);
  const deep = nestedJson(shape, depth);
  const valid = validBodyValue(context, entry);
  const placements: Array<[string, unknown]> = [['whole body', undefined]];
  if (entry.spec.body) {
    for (const field of schemaFields(entry.spec.body.schema)) {
      if (field.path.length > 0) placements.push([formatPath(field.path), withField(valid, field.path, marker)]);
    }
  }
  if (chat) placements.push(...chatPlacements);
  const [where, container] = chat && rng.chance(0.6) ? rng.pick(placements.slice(-4)) : rng.pick(placements);
  const text = container === undefined ? deep : JSON.stringify(container).replace(`"${marker}"`, deep);
  return withJsonText(context, entry, `deep nesting: ${shape} × ${depth} at ${where}`, text);
}

const chatMessage = (extra: Record<string, unknown>) => ({
  messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }], ...extra }],
});

/** Chat bodies with the marker where the schema takes any JSON value; always the last four placements. */
const chatPlacements: Array<[string, unknown]> = [
  [
    'chat data part',
    chatMessage({
      parts: [
        { type: 'text', text: 'hi' },
        { type: 'data-x', data: marker },
      ],
    }),
  ],
  ['chat message metadata', chatMessage({ metadata: { createdAt: 'now', extra: marker } })],
  [
    'chat text providerMetadata',
    chatMessage({ parts: [{ type: 'text', text: 'hi', providerMetadata: { p: { v: marker } } }] }),
  ],
  [
    'chat tool output',
    {
      messages: [
        {
          id: 'a1',
          role: 'assistant',
          parts: [
            { type: 'tool-searchPartners', toolCallId: 't1', state: 'output-available', input: {}, output: marker },
          ],
        },
        { id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] },
      ],
    },
  ],
];
