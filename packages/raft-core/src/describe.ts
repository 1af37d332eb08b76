// Deterministic one-line renderings of messages, entries, Readys and status (etcd's
// DescribeMessage/DescribeReady): the text used by logs, the simulator's transcript and golden tests.
import type { Message } from './messages.ts';
import type { RaftStatus, Ready } from './raw-node.ts';
import { decodeConfigState, describeConfig } from './tracker/config.ts';
import type { Entry } from './types.ts';

/** Renders an entry as `term/index kind [data]`, showing short command data as text. */
export function describeEntry(entry: Entry): string {
  if (entry.kind === 'noop') return `${entry.term}/${entry.index} noop`;
  if (entry.kind === 'config') {
    return `${entry.term}/${entry.index} config ${describeConfig(decodeConfigState(entry.data))}`;
  }
  return `${entry.term}/${entry.index} ${describeData(entry.data)}`;
}

function describeData(data: Uint8Array): string {
  const printable = data.length <= 32 && data.every((b) => b >= 0x20 && b < 0x7f);
  if (printable) return JSON.stringify(String.fromCharCode(...data));
  return `<${data.length} bytes>`;
}

/** Renders a message as `from->to Type term=T ...fields`. */
export function describeMessage(m: Message): string {
  const head = `${m.from}->${m.to} ${m.type} term=${m.term}`;
  switch (m.type) {
    case 'RequestVote':
      return `${head}${m.preVote ? ' pre' : ''}${m.transfer ? ' transfer' : ''} last=${m.lastLogTerm}/${m.lastLogIndex}`;
    case 'RequestVoteReply':
      return `${head}${m.preVote ? ' pre' : ''} ${m.voteGranted ? 'granted' : 'rejected'}`;
    case 'AppendEntries':
      return `${head} prev=${m.prevLogTerm}/${m.prevLogIndex} commit=${m.leaderCommit} entries=[${m.entries.map(describeEntry).join(', ')}]`;
    case 'AppendEntriesReply':
      return m.success
        ? `${head} ok match=${m.matchIndex}`
        : `${head} reject index=${m.rejectedIndex} hint=${m.conflictTerm}/${m.conflictIndex}`;
    case 'Heartbeat':
      return `${head} commit=${m.leaderCommit}${m.readContext > 0 ? ` read=${m.readContext}` : ''}`;
    case 'HeartbeatReply':
      return `${head}${m.readContext > 0 ? ` read=${m.readContext}` : ''}`;
    case 'InstallSnapshot':
      return `${head} snapshot=${m.snapshot.term}/${m.snapshot.index} (${m.snapshot.data.length} bytes)`;
    case 'InstallSnapshotReply':
      return `${head} last=${m.lastIndex}`;
    case 'TimeoutNow':
      return head;
  }
}

/** Renders a Ready as indented lines, one per non-empty part. */
export function describeReady(ready: Ready): string {
  const lines: string[] = [];
  if (ready.softState)
    lines.push(`role ${ready.softState.role} leader=${ready.softState.leaderId ?? '-'}`);
  if (ready.hardState) {
    const hs = ready.hardState;
    lines.push(`hard term=${hs.term} vote=${hs.votedFor ?? '-'} commit=${hs.commitIndex}`);
  }
  if (ready.snapshot) lines.push(`persist snapshot ${ready.snapshot.term}/${ready.snapshot.index}`);
  if (ready.truncateFrom !== null) lines.push(`truncate from ${ready.truncateFrom}`);
  if (ready.entries.length > 0)
    lines.push(`persist [${ready.entries.map(describeEntry).join(', ')}]`);
  for (const m of ready.messagesBeforeSave) lines.push(`send before save ${describeMessage(m)}`);
  for (const m of ready.messagesAfterSave) lines.push(`send ${describeMessage(m)}`);
  if (ready.applySnapshot)
    lines.push(`install snapshot ${ready.applySnapshot.term}/${ready.applySnapshot.index}`);
  if (ready.committedEntries.length > 0) {
    lines.push(`apply [${ready.committedEntries.map(describeEntry).join(', ')}]`);
  }
  for (const r of ready.readStates) lines.push(`read ${r.context} at ${r.index}`);
  for (const c of ready.failedReads) lines.push(`read ${c} failed`);
  return lines.map((line) => `  ${line}`).join('\n');
}

/** Renders a node's status on one line. */
export function describeStatus(s: RaftStatus): string {
  return `${s.id} ${s.role} term=${s.term} vote=${s.votedFor ?? '-'} leader=${s.leaderId ?? '-'} commit=${s.commitIndex} applied=${s.appliedIndex} last=${s.lastIndex} snapshot=${s.snapshotTerm}/${s.snapshotIndex}`;
}
