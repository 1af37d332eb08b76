// Little binary building blocks shared by the command and snapshot encodings: unsigned varints
// up to 2^53 - 1 (safe integers, so 53-bit client ids fit) and length-prefixed UTF-8 strings.
// Readers never throw on bad input: they return typed failures so a replica never crashes on it.
import { assert } from '@kvraft/raft-core';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The UTF-8 byte length of `text`, as TextEncoder would encode it (a lone surrogate becomes
 * U+FFFD, 3 bytes), counted without encoding: validation runs on every request.
 */
export function utf8Bytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) {
      bytes += 1;
    } else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 2; // a pair: 2 code units, 4 bytes
      i++;
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** A growable byte buffer for encoders. */
export class ByteWriter {
  private buffer = new Uint8Array(64);
  private length = 0;

  /** Appends one byte (0..255). */
  byte(value: number): void {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xff, `byte out of range: ${value}`);
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** Appends an unsigned LEB128 varint; `value` must be a non-negative safe integer. */
  varint(value: number): void {
    assert(Number.isSafeInteger(value) && value >= 0, `varint out of range: ${value}`);
    let rest = value;
    while (rest >= 0x80) {
      this.byte((rest % 0x80) + 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.byte(rest);
  }

  /** Appends a 32-bit unsigned integer, big-endian. */
  uint32(value: number): void {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xffffffff, 'uint32 out of range');
    this.reserve(4);
    new DataView(this.buffer.buffer).setUint32(this.length, value);
    this.length += 4;
  }

  /** Appends a varint byte length and the UTF-8 bytes of `text`, encoded in place. */
  string(text: string): void {
    const length = utf8Bytes(text);
    this.varint(length);
    this.reserve(length);
    const { written } = utf8Encoder.encodeInto(text, this.buffer.subarray(this.length));
    assert(written === length, 'UTF-8 length and encoding disagree');
    this.length += written;
  }

  /** Returns a copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

/** Thrown only inside ByteReader users and caught at their boundary; never escapes a decoder. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

/** A cursor over bytes; every read throws DecodeError on truncated or malformed input. */
export class ByteReader {
  private offset = 0;

  /** Reads from `bytes` starting at `offset`. */
  constructor(
    private readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.offset = offset;
  }

  /** Whether every byte has been read. */
  done(): boolean {
    return this.offset === this.bytes.length;
  }

  /** Reads one byte. */
  byte(): number {
    const value = this.bytes[this.offset];
    if (value === undefined) throw new DecodeError(`truncated at byte ${this.offset}`);
    this.offset++;
    return value;
  }

  /** Reads an unsigned varint that must fit a safe integer. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(value)) throw new DecodeError('varint exceeds 2^53 - 1');
        return value;
      }
      scale *= 0x80;
    }
    throw new DecodeError('varint longer than 8 bytes');
  }

  /** Reads a length-prefixed UTF-8 string of at most `bytesMax` bytes. */
  string(bytesMax: number): string {
    const length = this.varint();
    if (length > bytesMax) throw new DecodeError(`string of ${length} bytes exceeds ${bytesMax}`);
    if (this.offset + length > this.bytes.length) throw new DecodeError('truncated string');
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    try {
      return utf8Decoder.decode(slice);
    } catch {
      throw new DecodeError('string is not valid UTF-8');
    }
  }
}
