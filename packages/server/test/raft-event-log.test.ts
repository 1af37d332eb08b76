// Goal: Raft's notable events come out as the right structured lines, and only when they
// happen. Method: feed RaftEventLog leadership changes and saves; a real kvraft-server's stdout
// is all JSON and carries an election from start to win.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RaftEventLog } from '../src/raft-event-log.ts';

function recordingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) =>
    lines.push({ level, message, fields });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('RaftEventLog', () => {
  it('names an election from its start to its outcome, and each term and leader change', () => {
    const { lines, logger } = recordingLogger();
    const log = new RaftEventLog(logger, { role: 'follower', leaderId: null, term: 1 });
    log.leadership({ role: 'precandidate', leaderId: null, term: 1 });
    log.leadership({ role: 'candidate', leaderId: null, term: 2 });
    log.leadership({ role: 'leader', leaderId: 1, term: 2 });
    log.leadership({ role: 'follower', leaderId: 3, term: 3 });
    log.leadership({ role: 'candidate', leaderId: null, term: 4 });
    log.leadership({ role: 'follower', leaderId: 2, term: 4 });
    expect(lines.map((l) => l.message)).toEqual([
      'election started',
      'election started',
      'term changed',
      'election won',
      'leader changed',
      'term changed',
      'leader changed',
      'election started',
      'term changed',
      'election lost',
      'leader changed',
    ]);
    expect(lines[0]?.fields['kind']).toBe('pre-vote');
    expect(lines[1]?.fields['kind']).toBe('vote');
  });

  it('tells a taken snapshot from an installed one, and logs only slow saves', () => {
    const { lines, logger } = recordingLogger();
    const log = new RaftEventLog(logger, { role: 'follower', leaderId: null, term: 0 }, 50);
    log.snapshotSaved(100, 2048, 120);
    log.snapshotSaved(300, 4096, 120);
    log.saveTook(49.9, 3);
    log.saveTook(75, 3);
    expect(
      lines.map((l) => [l.level, l.message, l.fields['bytes'] ?? l.fields['entries']]),
    ).toEqual([
      ['info', 'snapshot taken', 2048],
      ['info', 'snapshot installed', 4096],
      ['warn', 'slow save', 3],
    ]);
  });
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('kvraft-server', () => {
  it('prints only JSON lines, an election among them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvraft-logs-'));
    const endpoint = `127.0.0.1:${await freePort()}`;
    const entry = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
    const child = spawn(
      process.execPath,
      [entry, '--id', '1', '--listen', endpoint, '--peers', `1=${endpoint}`, '--data-dir', dir],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, KVRAFT_CLUSTER_SECRET: 's' } },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
    });
    try {
      for (let waited = 0; waited < 300 && !output.includes('election won'); waited++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
    const lines = output.trim().split('\n');
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages[0]).toBe('config');
    for (const message of ['node serving', 'election started', 'election won', 'stopped']) {
      expect(messages, output).toContain(message);
    }
  }, 60_000);
});
