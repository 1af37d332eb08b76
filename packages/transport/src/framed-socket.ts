// One connection speaking frames: decodes inbound bytes into values for a handler and encodes
// outbound values, with a bound on buffered writes. Any decode or handler error closes this
// connection only, with one log line saying why; it never throws into the process.
import type { Socket } from 'node:net';
import { FrameTooLargeError, TransportError } from './errors.ts';
import { encodeFrame, FrameDecoder } from './frame-codec.ts';
import type { TransportLimits } from './limits.ts';
import type { TransportLogger } from './logger.ts';

/** How long a graceful close waits for the other end before destroying the socket. */
export const gracefulCloseMs = 1000;

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

  /** Sends one frame; returns false (and sends nothing) if closed, too large or backed up. */
  send(value: unknown): boolean {
    if (this.closed) return false;
    if (this.socket.writableLength > this.options.limits.socketBufferedBytesMax) return false;
    let frame: Buffer;
    try {
      frame = encodeFrame(value, this.options.limits.frameBytesMax);
    } catch (error) {
      if (!(error instanceof FrameTooLargeError)) throw error;
      this.options.logger.error({ conn: this.options.label, err: error.message }, 'frame not sent');
      return false;
    }
    this.socket.write(frame);
    return true;
  }

  /**
   * Closes the connection and logs why; later calls are no-ops. `graceful` flushes frames already
   * written (a refusal) and destroys the socket at most `gracefulCloseMs` later.
   */
  close(reason: string, level: 'info' | 'warn' = 'warn', graceful = false): void {
    if (this.closed) return;
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
