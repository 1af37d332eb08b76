// Splits a TCP byte stream into whole frames (4-byte big-endian length, then the payload) without
// decoding them, so a proxy can drop, delay or duplicate one frame and forward the others byte
// for byte. It never buffers more than one frame plus one chunk.
import { frameHeaderBytes } from '@kvraft/transport';

/** Splits a stream into raw frames (header included); one instance per direction. */
export class FrameSplitter {
  private buffered: Buffer = Buffer.alloc(0);

  /** Creates a splitter that refuses frames whose payload exceeds `frameBytesMax`. */
  constructor(private readonly frameBytesMax: number) {}

  /** Feeds bytes; returns every frame they complete. Throws on an oversized frame. */
  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Buffer[] = [];
    while (this.buffered.length >= frameHeaderBytes) {
      const length = this.buffered.readUInt32BE(0);
      if (length > this.frameBytesMax) {
        throw new Error(`frame of ${length} bytes exceeds ${this.frameBytesMax}`);
      }
      const total = frameHeaderBytes + length;
      if (this.buffered.length < total) break;
      frames.push(this.buffered.subarray(0, total));
      this.buffered = this.buffered.subarray(total);
    }
    return frames;
  }
}
