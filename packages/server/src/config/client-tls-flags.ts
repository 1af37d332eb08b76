// TLS flags of the client commands (get, put, append, status): the CA that signed the cluster's
// certificates, and a client certificate and key for clusters that ask for one. Files are read
// only when a command runs, and a half-given pair is refused rather than silently ignored.
import { readFileSync } from 'node:fs';
import type { ClientTlsOptions } from '@kvraft/transport';
import { Option } from 'commander';

/** Parsed client TLS flags (file paths). */
export interface ClientTlsFlags {
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

/** `--tls-ca`, `--tls-cert` and `--tls-key`, also read from `KVRAFT_TLS_CA|CERT|KEY`. */
export function clientTlsOptions(): Option[] {
  return [
    new Option('--tls-ca <file>', 'PEM CA of the cluster (dials over TLS)').env('KVRAFT_TLS_CA'),
    new Option('--tls-cert <file>', 'PEM client certificate, if the cluster wants one').env(
      'KVRAFT_TLS_CERT',
    ),
    new Option('--tls-key <file>', 'PEM key of --tls-cert').env('KVRAFT_TLS_KEY'),
  ];
}

/** Reads the files the flags name; undefined when TLS is off. Throws on a half-given pair. */
export function readClientTls(flags: ClientTlsFlags): ClientTlsOptions | undefined {
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new Error('--tls-cert and --tls-key go together');
  }
  if (flags.tlsCa === undefined && flags.tlsCert === undefined) return undefined;
  if (flags.tlsCa === undefined) throw new Error('--tls-cert needs --tls-ca to verify the servers');
  return {
    ca: readFileSync(flags.tlsCa),
    ...(flags.tlsCert === undefined ? {} : { cert: readFileSync(flags.tlsCert) }),
    ...(flags.tlsKey === undefined ? {} : { key: readFileSync(flags.tlsKey) }),
  };
}
