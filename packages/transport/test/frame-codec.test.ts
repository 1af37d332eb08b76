// Goal: the frame codec round-trips values across any chunking, and refuses oversized, empty and
// garbage frames with typed errors only. Method: examples plus fast-check fuzzing (bounded runs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeFrame,
  FrameDecodeError,
  FrameDecoder,
  FrameTooLargeError,
  TransportError,
} from '../src/index.ts';

const frameBytesMax = 1024;

describe('frame codec', () => {
  it('round-trips values split at every byte boundary', () => {
    const values = [{ kind: 'raft', messages: [] }, { a: new Uint8Array([1, 2, 3]), n: null }, 'x'];
    const bytes = Buffer.concat(values.map((v) => encodeFrame(v, frameBytesMax)));
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decoder = new FrameDecoder(frameBytesMax);
      const out = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
      expect(out).toEqual(
        values.map((v) =>
          typeof v === 'object' && 'a' in v ? { ...v, a: Buffer.from([1, 2, 3]) } : v,
        ),
      );
      expect(decoder.pendingBytes()).toBe(0);
    }
  });

  it('refuses an oversized frame from its header alone', () => {
    const decoder = new FrameDecoder(frameBytesMax);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(frameBytesMax + 1);
    expect(() => decoder.push(header)).toThrow(FrameTooLargeError);
  });

  it('refuses to encode a value larger than the limit', () => {
    expect(() => encodeFrame({ data: new Uint8Array(frameBytesMax) }, frameBytesMax)).toThrow(
      FrameTooLargeError,
    );
  });

  it('refuses empty frames, garbage payloads and trailing bytes', () => {
    expect(() => new FrameDecoder(frameBytesMax).push(Buffer.from([0, 0, 0, 0]))).toThrow(
      FrameDecodeError,
    );
    expect(() => new FrameDecoder(frameBytesMax).push(Buffer.from([0, 0, 0, 1, 0xdd]))).toThrow(
      FrameDecodeError,
    );
    expect(() => new FrameDecoder(frameBytesMax).push(Buffer.from([0, 0, 0, 2, 1, 2]))).toThrow(
      FrameDecodeError,
    );
  });

  it('throws only typed transport errors on random input and never buffers past the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (chunks) => {
        const decoder = new FrameDecoder(frameBytesMax);
        try {
          for (const chunk of chunks) {
            decoder.push(Buffer.from(chunk));
            expect(decoder.pendingBytes()).toBeLessThanOrEqual(frameBytesMax + 4 + 300);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(TransportError);
        }
      }),
      { numRuns: 500, seed: 42 },
    );
  });
});
