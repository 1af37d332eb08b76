// One connection speaking frames: decodes inbound bytes into values for a handler and encodes
// outbound values, with a bound on buffered writes. Frames sent in one synchronous run leave as
// one socket write, at the end of that run (a microtask), never a macrotask later: a write
// deferred with setImmediate would wait behind a synchronous fsync. Any decode or handler error
// closes this connection only, with one log line saying why; it never throws into the process.
import type { Socket } from 'node:net';
import { FrameTooLargeError, TransportError } from './errors.ts';
import { encodeFrame, FrameDecoder } from './frame-codec.ts';
import type { TransportLimits } from './limits.ts';
import type { TransportLogger } from './logger.ts';

/** How long a graceful close waits for the other end before destroying the socket. */
export const gracefulCloseMs = 1000;

/** Coalesced frames up to this many bytes are copied into one buffer; larger go out corked. */
export const coalesceCopyBytesMax = 64 * 1024;

/** What a framed socket needs from its owner. */
export interface FramedSocketOptions {
  readonly limits: TransportLimits;
  readonly logger: TransportLogger;
  /** Identifies the connection in log lines (e.g. `peer 2 -> 127.0.0.1:7002`). */
  readonly label: string;
  /** Handles one decoded frame; a throw closes the connection with that error. */
  readonly onFrame: (value: unknown) => void;
  /** Called once when the connection is closed, for any reason. */
  readonly onClose: () => void;
}

/** A socket that carries length-prefixed msgpack frames. */
export class FramedSocket {
  private readonly decoder: FrameDecoder;
  private closed = false;
  /** Frames encoded but not yet written; they leave together at the next flush. */
  private pendingFrames: Buffer[] = [];
  // Invariant: pendingBytes is the sum of the lengths of pendingFrames.
  private pendingBytes = 0;
  private flushQueued = false;

  /** Wraps `socket`; starts reading at once. */
  constructor(
    readonly socket: Socket,
    private readonly options: FramedSocketOptions,
  ) {
    this.decoder = new FrameDecoder(options.limits.frameBytesMax);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.close(`socket error: ${error.message}`, 'info'));
    socket.on('close', () => this.close('closed by the other end', 'info'));
  }

  /** Whether the connection is closed. */
  isClosed(): boolean {
    return this.closed;
  }

  /**
   * Queues one frame; every frame queued in this synchronous run leaves as one socket write at
   * its end (or at `flush()`). Returns false (and queues nothing) if closed, too large or
   * backed up.
   */
  send(value: unknown): boolean {
    if (this.closed) return false;
    const bufferedBytes = this.socket.writableLength + this.pendingBytes;
    if (bufferedBytes > this.options.limits.socketBufferedBytesMax) return false;
    let frame: Buffer;
    try {
      frame = encodeFrame(value, this.options.limits.frameBytesMax);
    } catch (error) {
      if (!(error instanceof FrameTooLargeError)) throw error;
      this.options.logger.error({ conn: this.options.label, err: error.message }, 'frame not sent');
      return false;
    }
    this.pendingFrames.push(frame);
    this.pendingBytes += frame.length;
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
    return true;
  }

  /** Writes every queued frame now, as one socket write (a no-op when none is queued). */
  flush(): void {
    this.flushQueued = false;
    const frames = this.pendingFrames;
    const bytes = this.pendingBytes;
    if (frames.length === 0) return;
    this.pendingFrames = [];
    this.pendingBytes = 0;
    if (this.closed) return;
    if (frames.length === 1) {
      this.socket.write(frames[0]!);
    } else if (bytes <= coalesceCopyBytesMax) {
      this.socket.write(Buffer.concat(frames, bytes));
    } else {
      // Corked writes leave as one writev, without copying big frames together.
      this.socket.cork();
      for (const frame of frames) this.socket.write(frame);
      this.socket.uncork();
    }
  }

  /**
   * Closes the connection and logs why; later calls are no-ops. `graceful` flushes frames already
   * written (a refusal) and destroys the socket at most `gracefulCloseMs` later.
   */
  close(reason: string, level: 'info' | 'warn' = 'warn', graceful = false): void {
    if (this.closed) return;
    // A graceful close still delivers what was sent before it (a refusal's reason).
    if (graceful) this.flush();
    this.closed = true;
    this.options.logger[level]({ conn: this.options.label, reason }, 'connection closed');
    if (graceful) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), gracefulCloseMs).unref();
    } else {
      this.socket.destroy();
    }
    this.options.onClose();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      for (const value of this.decoder.push(chunk)) {
        if (this.closed) return;
        this.options.onFrame(value);
      }
    } catch (error) {
      const typed = error instanceof TransportError;
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (!typed) this.options.logger.error({ conn: this.options.label, err: message }, 'bug');
      this.close(message, 'warn');
    }
  }
}
