import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * DynamoDB's JSON 1.0 wire format of attribute values: as the SDK's AttributeValue, except binary (B, BS), which
 * travels as base64 strings. Documents are marshalled with @aws-sdk/util-dynamodb exactly as lib-dynamodb's
 * document client did (removeUndefinedValues), so items read and written are the same as with the SDK.
 */
export type Document = Record<string, unknown>;
export type AttributeMap = Record<string, AttributeValue>;
/** An attribute value as JSON: binary as base64. */
export type WireValue = Record<string, unknown>;
export type WireMap = Record<string, WireValue>;

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const bytesOf = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

export function attributeToWire(value: AttributeValue): WireValue {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: mapToWire(value.M) };
  if (value.L !== undefined) return { L: value.L.map(attributeToWire) };
  return value as unknown as WireValue;
}

export function attributeFromWire(value: WireValue): AttributeValue {
  if (typeof value.B === 'string') return { B: bytesOf(value.B) };
  if (Array.isArray(value.BS)) return { BS: (value.BS as string[]).map(bytesOf) };
  if (value.M !== undefined) return { M: mapFromWire(value.M as WireMap) };
  if (Array.isArray(value.L)) return { L: (value.L as WireValue[]).map(attributeFromWire) };
  return value as unknown as AttributeValue;
}

export const mapToWire = (map: AttributeMap): WireMap =>
  Object.fromEntries(Object.entries(map).map(([name, value]) => [name, attributeToWire(value)]));

export const mapFromWire = (map: WireMap): AttributeMap =>
  Object.fromEntries(Object.entries(map).map(([name, value]) => [name, attributeFromWire(value)]));

/** A document (item, key, expression values) as it goes on the wire. */
export const documentToWire = (document: Document): WireMap =>
  mapToWire(marshall(document, { removeUndefinedValues: true }));

/** A wire map (item, key) back to a document. */
export const documentFromWire = (map: WireMap): Document => unmarshall(mapFromWire(map));
