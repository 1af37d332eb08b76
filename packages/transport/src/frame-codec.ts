// Length-prefixed frames: a 4-byte big-endian payload length, then a msgpack payload. The decoder
// checks the announced length against `frameBytesMax` before buffering a single payload byte, so
// an oversized or lying frame costs at most 4 bytes of memory.
import { Packr, Unpackr } from 'msgpackr';
import { FrameDecodeError, FrameTooLargeError } from './errors.ts';

/** Bytes of the length prefix in front of every frame. */
export const frameHeaderBytes = 4;

// NB: msgpackr's record extension keeps structure definitions on the instance, so every
// connection decodes with its own Unpackr and a remote end can only confuse itself.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false });

/** Encodes one value as a frame; throws FrameTooLargeError when the payload exceeds the limit. */
export function encodeFrame(value: unknown, frameBytesMax: number): Buffer {
  const payload = packr.pack(value);
  if (payload.length > frameBytesMax) throw new FrameTooLargeError(payload.length, frameBytesMax);
  const frame = Buffer.allocUnsafe(frameHeaderBytes + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, frameHeaderBytes);
  return frame;
}

/** Splits a byte stream into decoded frame values; one instance per connection. */
export class FrameDecoder {
  private readonly unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;
  // The payload length of the frame being assembled, or -1 while its header is incomplete.
  private expectedBytes = -1;

  /** Creates a decoder that refuses payloads above `frameBytesMax`. */
  constructor(private readonly frameBytesMax: number) {}

  /** Bytes received but not yet decoded (bounded by frameBytesMax + one chunk). */
  pendingBytes(): number {
    return this.bufferedBytes;
  }

  /**
   * Feeds bytes; returns every value completed by them, in order. Throws FrameTooLargeError or
   * FrameDecodeError on bad input, after which the decoder must be discarded.
   */
  push(chunk: Buffer): unknown[] {
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
    const values: unknown[] = [];
    for (;;) {
      if (this.expectedBytes < 0) {
        if (this.bufferedBytes < frameHeaderBytes) return values;
        const length = this.take(frameHeaderBytes).readUInt32BE(0);
        if (length > this.frameBytesMax) throw new FrameTooLargeError(length, this.frameBytesMax);
        if (length === 0) throw new FrameDecodeError('empty frame payload');
        this.expectedBytes = length;
      }
      if (this.bufferedBytes < this.expectedBytes) return values;
      const payload = this.take(this.expectedBytes);
      this.expectedBytes = -1;
      values.push(this.decodePayload(payload));
    }
  }

  private decodePayload(payload: Buffer): unknown {
    try {
      // unpackMultiple, so trailing bytes inside a frame are caught as an error, not ignored.
      const values = this.unpackr.unpackMultiple(payload);
      if (values === undefined || values.length !== 1) {
        throw new FrameDecodeError(`frame holds ${values?.length ?? 0} values, expected 1`);
      }
      return values[0];
    } catch (error) {
      if (error instanceof FrameDecodeError) throw error;
      throw new FrameDecodeError(`invalid msgpack payload: ${(error as Error).message}`);
    }
  }

  // Removes and returns the first `bytes` buffered bytes (the caller checked they exist).
  private take(bytes: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= bytes) {
      const head = first.subarray(0, bytes);
      if (first.length === bytes) this.chunks.shift();
      else this.chunks[0] = first.subarray(bytes);
      this.bufferedBytes -= bytes;
      return head;
    }
    const all = Buffer.concat(this.chunks, this.bufferedBytes);
    const head = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
    return head;
  }
}
