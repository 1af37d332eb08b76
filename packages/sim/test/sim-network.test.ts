// Goal: the simulated network keeps labrpc's semantics (SCENARIOS.md §3). Method: send many
// messages between two fake endpoints on virtual time and check counts, loss rates, delays,
// reordering bounds, link and incarnation drops, duplication, and that deliveries are copies.
import { createPrng, type Message, messageBytes } from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';
import { faultsReliable, Scheduler, SimNetwork } from '../src/index.ts';

const limits = { timeMsMax: 100_000, eventsMax: 1_000_000 };

function heartbeat(from: number, to: number): Message {
  return { type: 'Heartbeat', from, to, term: 1, leaderCommit: 0, readContext: 0 };
}

function heartbeatReply(from: number, to: number): Message {
  return { type: 'HeartbeatReply', from, to, term: 1, readContext: 0 };
}

function setup(seed = 1) {
  const scheduler = new Scheduler();
  const network = new SimNetwork(scheduler, createPrng(seed), 2);
  const received: Array<{ message: Message; atMs: number }> = [];
  const transport0 = network.add(0);
  const transport1 = network.add(1);
  network.listen(0, (message) => received.push({ message, atMs: scheduler.nowMs }));
  network.listen(1, (message) => received.push({ message, atMs: scheduler.nowMs }));
  network.setLink(0, 1, true);
  network.setLink(1, 0, true);
  return { scheduler, network, received, transport0, transport1 };
}

describe('SimNetwork', () => {
  it('delivers reliably at once, counting request RPCs on arrival and bytes at send', async () => {
    const { scheduler, network, received, transport0 } = setup();
    await scheduler.run(async () => {
      transport0.send([heartbeat(0, 1)]);
      expect(network.stats.bytesTotal).toBe(messageBytes(heartbeat(0, 1)));
      expect(network.rpcCount(1)).toBe(0);
      await scheduler.sleep(1);
    }, limits);
    expect(received).toHaveLength(1);
    expect(received[0]!.atMs).toBe(0);
    expect(network.rpcCount(1)).toBe(1);
  });

  it('delivers copies, never the sender’s object', async () => {
    const { scheduler, received, transport0 } = setup();
    const sent = heartbeat(0, 1);
    await scheduler.run(async () => {
      transport0.send([sent]);
      await scheduler.sleep(1);
    }, limits);
    expect(received[0]!.message).toEqual(sent);
    expect(received[0]!.message).not.toBe(sent);
  });

  it('when unreliable, delays requests 0–26 ms and loses about 10% of requests and replies', async () => {
    const { scheduler, network, received, transport0, transport1 } = setup();
    network.setReliable(false);
    const count = 4000;
    await scheduler.run(async () => {
      for (let i = 0; i < count; i++) transport0.send([heartbeat(0, 1)]);
      for (let i = 0; i < count; i++) transport1.send([heartbeatReply(1, 0)]);
      await scheduler.sleep(100);
    }, limits);
    const requests = received.filter((r) => r.message.type === 'Heartbeat');
    const replies = received.filter((r) => r.message.type === 'HeartbeatReply');
    expect(requests.length / count).toBeGreaterThan(0.87);
    expect(requests.length / count).toBeLessThan(0.93);
    expect(replies.length / count).toBeGreaterThan(0.87);
    expect(replies.length / count).toBeLessThan(0.93);
    expect(Math.max(...requests.map((r) => r.atMs))).toBe(26);
    expect(Math.max(...replies.map((r) => r.atMs))).toBe(0);
  });

  it('with long reordering, holds about 2/3 of replies for 200–2199 ms', async () => {
    const { scheduler, network, received, transport1 } = setup();
    network.setLongReordering(true);
    const count = 3000;
    await scheduler.run(async () => {
      for (let i = 0; i < count; i++) transport1.send([heartbeatReply(1, 0)]);
      await scheduler.sleep(3000);
    }, limits);
    const held = received.filter((r) => r.atMs > 0);
    expect(held.length / count).toBeGreaterThan(0.63);
    expect(held.length / count).toBeLessThan(0.7);
    expect(Math.min(...held.map((r) => r.atMs))).toBeGreaterThanOrEqual(200);
    expect(Math.max(...held.map((r) => r.atMs))).toBeLessThanOrEqual(2199);
  });

  it('drops messages whose link is disabled at send or at delivery', async () => {
    const { scheduler, network, received, transport0 } = setup();
    network.setFaults({ ...faultsReliable, requestDelayMsMax: 10 });
    await scheduler.run(async () => {
      network.setLink(0, 1, false);
      transport0.send([heartbeat(0, 1)]);
      network.setLink(0, 1, true);
      transport0.send([heartbeat(0, 1)]);
      network.setLink(0, 1, false);
      await scheduler.sleep(20);
    }, limits);
    expect(received).toHaveLength(0);
    expect(network.stats.droppedCount).toBe(2);
  });

  it('drops in-flight messages to and from a node that crashed and restarted', async () => {
    const { scheduler, network, received, transport0, transport1 } = setup();
    network.setFaults({ ...faultsReliable, requestDelayMsMax: 10, replyDelayMsMax: 10 });
    await scheduler.run(async () => {
      transport0.send([heartbeat(0, 1)]);
      transport1.send([heartbeatReply(1, 0)]);
      network.remove(1);
      network.add(1);
      network.listen(1, (message) => received.push({ message, atMs: scheduler.nowMs }));
      transport1.send([heartbeatReply(1, 0)]); // the old incarnation's transport is dead
      await scheduler.sleep(20);
    }, limits);
    expect(received).toHaveLength(0);
  });

  it('duplicates messages at the configured rate', async () => {
    const { scheduler, network, received, transport0 } = setup();
    network.setFaults({ ...faultsReliable, duplicationRate: 0.5 });
    await scheduler.run(async () => {
      for (let i = 0; i < 2000; i++) transport0.send([heartbeat(0, 1)]);
      await scheduler.sleep(1);
    }, limits);
    expect(received.length).toBeGreaterThan(2800);
    expect(received.length).toBeLessThan(3200);
  });

  it('replays the same deliveries from the same seed', async () => {
    const trace = async (seed: number): Promise<number[]> => {
      const { scheduler, network, received, transport0 } = setup(seed);
      network.setReliable(false);
      await scheduler.run(async () => {
        for (let i = 0; i < 200; i++) transport0.send([heartbeat(0, 1)]);
        await scheduler.sleep(50);
      }, limits);
      return received.map((r) => r.atMs);
    };
    expect(await trace(42)).toEqual(await trace(42));
    expect(await trace(42)).not.toEqual(await trace(43));
  });
});
