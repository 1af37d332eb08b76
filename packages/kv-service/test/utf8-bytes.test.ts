// Goal: request validation counts UTF-8 bytes exactly as TextEncoder encodes them, without
// encoding, and the command codec writes strings in place with the same length. Method: strings
// of 1-, 2-, 3- and 4-byte characters and lone surrogates, against TextEncoder, then round trips.
import { describe, expect, it } from 'vitest';
import { utf8Bytes } from '../src/byte-codec.ts';
import { decodeCommand, encodeCommand } from '../src/index.ts';

const samples = [
  '',
  'plain ascii',
  'é and ß',
  '€ 漢字',
  '🙂 pairs 𝄞',
  'lone high \ud800 end',
  'lone low \udc00 here',
  'ends high \ud83d',
  'x'.repeat(200) + '漢'.repeat(50),
];

describe('utf8Bytes', () => {
  it.each(samples)('counts %j like TextEncoder', (text) => {
    expect(utf8Bytes(text)).toBe(new TextEncoder().encode(text).length);
  });

  it('round-trips commands with every kind of character through the log encoding', () => {
    for (const value of samples) {
      const command = { kind: 'put', key: value, value, clientId: 3, seq: 1 } as const;
      const decoded = decodeCommand(encodeCommand(command));
      // TextEncoder turns lone surrogates into U+FFFD, so compare against its own round trip.
      const normal = new TextDecoder().decode(new TextEncoder().encode(value));
      expect(decoded).toEqual({ ok: true, command: { ...command, key: normal, value: normal } });
    }
  });
});
