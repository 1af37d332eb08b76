// The `--servers` flag every client and admin command takes: where the cluster's nodes listen.
import { Option } from 'commander';
import { parseServers } from './flag-parsers.ts';

/** A fresh `--servers` option (mandatory, or from KVRAFT_SERVERS), parsed to id → endpoint. */
export function serversOption(): Option {
  return new Option('--servers <list>', 'id=host:port,... (or host:port,... numbered from 1)')
    .env('KVRAFT_SERVERS')
    .argParser(parseServers)
    .makeOptionMandatory();
}
