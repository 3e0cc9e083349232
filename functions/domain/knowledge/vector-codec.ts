/**
 * Embeddings are stored as Float32 little-endian bytes: 4 KiB for 1,024 dimensions instead of ~20 KiB as a
 * DynamoDB number list, and float32 keeps far more precision than cosine ranking needs.
 */
export function encodeVector(vector: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  vector.forEach((value, index) => {
    view.setFloat32(index * 4, value, true);
  });
  return bytes;
}

export function decodeVector(bytes: Uint8Array): number[] {
  if (bytes.byteLength % 4 !== 0) throw new Error(`A float32 vector cannot be ${bytes.byteLength} bytes long`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.byteLength / 4 }, (_, index) => view.getFloat32(index * 4, true));
}
