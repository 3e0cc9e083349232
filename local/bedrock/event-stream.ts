/**
 * AWS event-stream framing for ConverseStream responses. We encode with the same codec the provider decodes
 * with (@smithy/eventstream-codec), so prelude, header and CRC layout cannot drift from what clients expect.
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

export type StreamExceptionType =
  | 'throttlingException'
  | 'modelStreamErrorException'
  | 'serviceUnavailableException'
  | 'internalServerException'
  | 'validationException';

function stringHeader(value: string) {
  return { type: 'string' as const, value };
}

/**
 * Real Bedrock pads every event with a random-length `p` field so payload sizes do not leak token lengths;
 * clients must ignore it. Sending it keeps us honest about that.
 */
function withPadding(payload: Record<string, unknown>): Record<string, unknown> {
  return { ...payload, p: 'abcdefghijklmnopqrstuvwxyz'.slice(0, 1 + (JSON.stringify(payload).length % 26)) };
}

/** One `:message-type: event` frame, e.g. eventType "contentBlockDelta". */
export function encodeEvent(eventType: string, payload: Record<string, unknown>): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': stringHeader(eventType),
      ':content-type': stringHeader('application/json'),
      ':message-type': stringHeader('event'),
    },
    body: fromUtf8(JSON.stringify(withPadding(payload))),
  });
}

/** One `:message-type: exception` frame: how Bedrock reports a failure after the stream has started. */
export function encodeException(exceptionType: StreamExceptionType, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': stringHeader(exceptionType),
      ':content-type': stringHeader('application/json'),
      ':message-type': stringHeader('exception'),
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** Decodes a complete event-stream body; used by tests and by anyone inspecting recorded fixtures. */
export function decodeEventStream(bytes: Uint8Array): Array<{ headers: Record<string, string>; body: unknown }> {
  const frames: Array<{ headers: Record<string, string>; body: unknown }> = [];
  let offset = 0;
  while (offset + 4 <= bytes.length) {
    const totalLength = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0, false);
    const message = codec.decode(bytes.subarray(offset, offset + totalLength));
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries(message.headers)) headers[name] = String(header.value);
    frames.push({ headers, body: JSON.parse(toUtf8(message.body)) });
    offset += totalLength;
  }
  return frames;
}
