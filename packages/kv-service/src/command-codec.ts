// The log encoding of KV commands (format version 1), small and binary:
//   [version=1][kind: 0 get | 1 put | 2 append][key]            for a get (log read mode)
//   [version=1][kind][clientId varint][seq varint][key][value]  for put and append
// where a string is a varint UTF-8 byte length then the bytes. Decoding returns a typed error
// for anything else (unknown version or kind, truncation, trailing bytes, bad UTF-8).
import { ByteReader, ByteWriter, DecodeError } from './byte-codec.ts';
import type { ClientId } from './protocol.ts';

/** The command encoding's format version. */
export const commandFormatVersion = 1;
/** Hard ceiling on a decoded string (any configured limit is below it). */
const commandStringBytesMax = 64 * 1024 * 1024;

/** A command as it sits in the Raft log. */
export type Command =
  | { readonly kind: 'get'; readonly key: string }
  | {
      readonly kind: 'put' | 'append';
      readonly key: string;
      readonly value: string;
      readonly clientId: ClientId;
      readonly seq: number;
    };

/** The result of decoding a command. */
export type DecodeCommandResult =
  | { readonly ok: true; readonly command: Command }
  | { readonly ok: false; readonly error: string };

const kindCodes = { get: 0, put: 1, append: 2 } as const;

/** Encodes `command` for the log. */
export function encodeCommand(command: Command): Uint8Array {
  const writer = new ByteWriter();
  writer.byte(commandFormatVersion);
  writer.byte(kindCodes[command.kind]);
  if (command.kind !== 'get') {
    writer.varint(command.clientId);
    writer.varint(command.seq);
  }
  writer.string(command.key);
  if (command.kind !== 'get') writer.string(command.value);
  return writer.finish();
}

/** Decodes a log entry's bytes; never throws. */
export function decodeCommand(bytes: Uint8Array): DecodeCommandResult {
  try {
    return { ok: true, command: readCommand(new ByteReader(bytes)) };
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, error: `bad command: ${error.message}` };
    throw error;
  }
}

function readCommand(reader: ByteReader): Command {
  const version = reader.byte();
  if (version !== commandFormatVersion) throw new DecodeError(`unknown version ${version}`);
  const code = reader.byte();
  let command: Command;
  if (code === kindCodes.get) {
    command = { kind: 'get', key: reader.string(commandStringBytesMax) };
  } else if (code === kindCodes.put || code === kindCodes.append) {
    const clientId = reader.varint();
    const seq = reader.varint();
    const key = reader.string(commandStringBytesMax);
    const value = reader.string(commandStringBytesMax);
    const kind = code === kindCodes.put ? 'put' : 'append';
    command = { kind, key, value, clientId, seq };
  } else {
    throw new DecodeError(`unknown kind ${code}`);
  }
  if (!reader.done()) throw new DecodeError('trailing bytes');
  return command;
}
