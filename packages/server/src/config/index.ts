// @kvraft/server/flags: the flag definitions, parsers and config printing that every kvraft
// command line shares, importable without loading a node (client commands start faster).

export { type ClientTlsFlags, clientTlsOptions, readClientTls } from './client-tls-flags.ts';
export {
  clusterSizes,
  integerIn,
  type PersisterName,
  parseClusterSize,
  parseEndpointFlag,
  parseNodeId,
  parseNodeMap,
  parsePersister,
  parseServers,
  persisterNames,
} from './flag-parsers.ts';
export { describeConfig, redactConfig } from './print-config.ts';
export { serveOptions } from './serve-flags.ts';
export { serversOption } from './servers-flag.ts';
