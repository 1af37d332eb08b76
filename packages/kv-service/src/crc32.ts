// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), pure and table-driven. Snapshots carry
// one so a corrupted or truncated snapshot is refused with a clear error, never restored.

const table: Uint32Array = buildTable();

function buildTable(): Uint32Array {
  const out = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    out[n] = c >>> 0;
  }
  return out;
}

/** Returns the CRC-32 of `bytes` as an unsigned 32-bit integer (crc32("123456789") = 0xCBF43926). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = table[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
