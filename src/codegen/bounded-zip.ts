/**
 * A zip reader that believes nothing it has not checked (for `.keras` files, which are zips). It reads the central
 * directory first (entry count, declared sizes, compression ratio) and refuses a file whose declarations exceed a
 * limit before anything is inflated; an entry that inflates to more than it declared is stopped at its declared
 * size. Stored and deflated entries only (what Python's zipfile writes); deflate runs in the platform's
 * `DecompressionStream`, in Node and in the browser. Refusals are thrown as `ZipRefusal` with a one-line message.
 */

export class ZipRefusal extends Error {}
const refuse = (msg: string): never => {
  throw new ZipRefusal(msg);
};

/** A `.keras` zip holds three files (plus assets for some layers); a thousand entries is no model. */
export const ZIP_MAX_ENTRIES = 1000;
/** Deflate cannot compress better than 1032:1, so a larger declared ratio is a lie (a zip bomb's, usually). */
export const DEFLATE_MAX_RATIO = 1032;

export interface ZipEntry {
  name: string;
  method: 0 | 8;
  compressedSize: number;
  /** The uncompressed size the central directory declares. */
  size: number;
  /** Where the entry's local header starts. */
  localOffset: number;
}

const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
/** A size for messages: bytes, and MB when it is large. */
export const bytesText = (n: number) => (n >= 2 ** 20 ? `${n.toLocaleString('en-US')} bytes (${mb(n)})` : `${n.toLocaleString('en-US')} bytes`);

/**
 * The entries of a zip, from its central directory, after checking every declared size: each entry and their sum
 * at most `maxBytes` uncompressed, at most `ZIP_MAX_ENTRIES` entries, each entry's data inside the file.
 */
export function zipEntries(b: Uint8Array, file: string, maxBytes: number): Map<string, ZipEntry> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (at: number) => v.getUint16(at, true);
  const u32 = (at: number) => v.getUint32(at, true);
  const u64 = (at: number) => Number(v.getBigUint64(at, true));
  // The end-of-central-directory record: 22 bytes plus a comment of up to 65,535, at the end of the file.
  let eocd = -1;
  for (let at = b.length - 22; at >= Math.max(0, b.length - 22 - 65535); at--)
    if (u32(at) === 0x06054b50) {
      eocd = at;
      break;
    }
  if (eocd < 0) refuse(`${file} is not a complete zip (no central directory; the file may be truncated).`);
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
    // Zip64: the locator sits just before the record and points at the 64-bit record.
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== 0x07064b50) refuse(`${file} is a damaged zip64 file (its zip64 locator is missing).`);
    const z = u64(loc + 8);
    if (z + 56 > b.length || u32(z) !== 0x06064b50) refuse(`${file} is a damaged zip64 file (its zip64 directory record is missing).`);
    count = u64(z + 32);
    cdSize = u64(z + 40);
    cdOffset = u64(z + 48);
  }
  if (count > ZIP_MAX_ENTRIES) refuse(`${file} declares ${count.toLocaleString('en-US')} zip entries; a .keras file has a handful (the limit is ${ZIP_MAX_ENTRIES}).`);
  if (cdOffset + cdSize > b.length) refuse(`${file}: its zip directory (${cdSize} bytes at ${cdOffset}) lies past the end of the file (${b.length} bytes); the file is truncated or damaged.`);
  const entries = new Map<string, ZipEntry>();
  let total = 0;
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cdOffset + cdSize || u32(at) !== 0x02014b50) refuse(`${file}: zip directory entry ${i + 1} of ${count} is damaged.`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    let compressedSize = u32(at + 20);
    let size = u32(at + 24);
    const nameLen = u16(at + 28);
    const extraLen = u16(at + 30);
    let localOffset = u32(at + 42);
    const name = new TextDecoder().decode(b.subarray(at + 46, at + 46 + nameLen));
    // The zip64 extra field holds, in this order, each 32-bit field that reads 0xFFFFFFFF.
    for (let e = at + 46 + nameLen; e + 4 <= at + 46 + nameLen + extraLen; e += 4 + u16(e + 2)) {
      if (u16(e) !== 0x0001) continue;
      let f = e + 4;
      const next = () => (f + 8 <= b.length ? (f += 8, u64(f - 8)) : refuse(`${file}: the zip64 sizes of ${name} are damaged.`));
      if (size === 0xffffffff) size = next();
      if (compressedSize === 0xffffffff) compressedSize = next();
      if (localOffset === 0xffffffff) localOffset = next();
    }
    at += 46 + nameLen + extraLen + u16(at + 32);
    if (flags & 1) refuse(`${file}: ${name} is encrypted.`);
    if (method !== 0 && method !== 8) refuse(`${file}: ${name} uses zip compression method ${method}; only stored and deflated entries are read (Keras stores them).`);
    if (size > maxBytes) refuse(`${file}: ${name} declares ${bytesText(size)} uncompressed; the limit is ${bytesText(maxBytes)}.`);
    if (method === 0 && size !== compressedSize) refuse(`${file}: ${name} is stored uncompressed but declares ${size} bytes in ${compressedSize}; the zip is damaged.`);
    if (method === 8 && size > DEFLATE_MAX_RATIO * compressedSize + 1024)
      refuse(`${file}: ${name} declares ${bytesText(size)} from ${bytesText(compressedSize)} compressed, a ratio deflate cannot reach (a zip bomb).`);
    if (localOffset + 30 + compressedSize > b.length) refuse(`${file}: the data of ${name} lies past the end of the file; the file is truncated or damaged.`);
    total += size;
    if (total > maxBytes) refuse(`${file}: its entries declare more than ${bytesText(maxBytes)} in all (the limit).`);
    entries.set(name, { name, method: method as 0 | 8, compressedSize, size, localOffset });
  }
  return entries;
}

/** The bytes of one entry, inflated if need be; never more than the entry declares. */
export async function zipRead(b: Uint8Array, e: ZipEntry, where: string): Promise<Uint8Array> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(e.localOffset, true) !== 0x04034b50) refuse(`${where}: its zip header is damaged.`);
  const start = e.localOffset + 30 + v.getUint16(e.localOffset + 26, true) + v.getUint16(e.localOffset + 28, true);
  if (start + e.compressedSize > b.length) refuse(`${where}: its data lies past the end of the file; the file is truncated or damaged.`);
  const data = b.subarray(start, start + e.compressedSize);
  if (e.method === 0) return data;
  const out = new Uint8Array(e.size);
  let got = 0;
  const reader = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(data);
      c.close();
    },
  })
    .pipeThrough(new DecompressionStream('deflate-raw') as unknown as TransformStream<Uint8Array, Uint8Array>)
    .getReader();
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      if (got + r.value.length > e.size) refuse(`${where} inflates to more than the ${bytesText(e.size)} it declares (a zip bomb); stopped there.`);
      out.set(r.value, got);
      got += r.value.length;
    }
  } catch (err) {
    void reader.cancel().catch(() => {});
    if (err instanceof ZipRefusal) throw err;
    refuse(`${where} is damaged: it does not inflate (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (got !== e.size) refuse(`${where} inflates to ${bytesText(got)}, not the ${bytesText(e.size)} it declares; the zip is damaged.`);
  return out;
}
