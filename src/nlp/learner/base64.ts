/** Typed arrays <-> base64, so models stay compact JSON (4 bytes/weight -> ~5.3 chars). */
export function float32ToBase64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function int32ToBase64(a: Int32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function bytes(s: string, width: number): ArrayBuffer {
  const buf = Buffer.from(s, 'base64');
  if (buf.byteLength % width !== 0) throw new Error('base64 payload has a bad length');
  // Copy into a fresh, aligned buffer: Buffer slices may start at an unaligned offset.
  const out = new ArrayBuffer(buf.byteLength);
  new Uint8Array(out).set(buf);
  return out;
}

export function base64ToFloat32(s: string): Float32Array {
  return new Float32Array(bytes(s, 4));
}

export function base64ToInt32(s: string): Int32Array {
  return new Int32Array(bytes(s, 4));
}

export function uint16ToBase64(a: Uint16Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function base64ToUint16(s: string): Uint16Array {
  return new Uint16Array(bytes(s, 2));
}
