// Typed errors of the transport. Each one names what a remote end did wrong, so logs say why a
// connection was closed; none of them is ever thrown past a socket handler into the process.

/** Base class of every transport error. */
export class TransportError extends Error {
  override readonly name: string = 'TransportError';
}

/** A frame announced a payload larger than `frameBytesMax`. */
export class FrameTooLargeError extends TransportError {
  override readonly name = 'FrameTooLargeError';
  /** Creates the error for a frame of `frameBytes` against the `frameBytesMax` limit. */
  constructor(
    readonly frameBytes: number,
    readonly frameBytesMax: number,
  ) {
    super(`frame of ${frameBytes} bytes exceeds frameBytesMax ${frameBytesMax}`);
  }
}

/** A frame's payload is not valid msgpack, or not the shape its kind requires. */
export class FrameDecodeError extends TransportError {
  override readonly name = 'FrameDecodeError';
}

/** The hello/authentication exchange failed: wrong version, cluster, secret or order. */
export class HandshakeError extends TransportError {
  override readonly name = 'HandshakeError';
}

/** A server address could not be parsed as `host:port`. */
export class AddressError extends TransportError {
  override readonly name = 'AddressError';
}
