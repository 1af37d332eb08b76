// @kvraft/transport: kvraft's real network. Table of contents: frames and their limits, the wire
// frames and their validation, peer authentication, the node listener (peers and clients on one
// port), Raft's Transport port over peer links, and the clerk's ClientTransport port over TCP.

export { type Endpoint, formatEndpoint, parseEndpoint } from './address.ts';
export {
  type AdminError,
  type AdminRefusal,
  type AdminReply,
  type AdminRequest,
  adminErrors,
  type MemberChangeOutcome,
  type MemberReport,
  type MembersReport,
  type NodeStatusReport,
  type TransferOutcome,
} from './admin-protocol.ts';
export { membersReportedMax, validateAdminReply, validateAdminRequest } from './admin-schema.ts';
export {
  AddressError,
  FrameDecodeError,
  FrameTooLargeError,
  HandshakeError,
  TransportError,
} from './errors.ts';
export { encodeFrame, FrameDecoder, frameHeaderBytes } from './frame-codec.ts';
export {
  resolveTransportLimits,
  type TransportLimits,
  transportLimitsDefault,
} from './limits.ts';
export { silentLogger, type TransportLogger } from './logger.ts';
export { computeProof, type ProofContext, verifyProof } from './peer-auth.ts';
export type { LinkState } from './peer-link.ts';
export { PeerTransport, type PeerTransportOptions } from './peer-transport.ts';
export { validateMessage } from './raft-message-schema.ts';
export { TcpClientTransport, type TcpClientTransportOptions } from './tcp-client-transport.ts';
export type { ClientTlsOptions, TlsOptions } from './tls-options.ts';
export {
  type ClientServer,
  TransportServer,
  type TransportServerOptions,
} from './transport-server.ts';
export { nonceBytes, protocolVersion, validateServerInbound } from './wire-frames.ts';
