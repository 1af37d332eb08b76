// Reads counters from a Prometheus text endpoint (kvraft's and etcd's /metrics), so the benchmark
// can report entries per save from what the servers count themselves, not from a guess.
import { request } from 'node:http';

/** How long one scrape may take before its figures count as unavailable. */
const scrapeTimeoutMs = 3000;
/** The most bytes of one scrape read (a node's /metrics is a few tens of KiB). */
const scrapeBytesMax = 8 * 1024 * 1024;

/** GETs `url` and resolves with its body, or undefined on any error or timeout. */
export function scrape(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: scrapeTimeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > scrapeBytesMax) req.destroy();
        else chunks.push(chunk);
      });
      response.on('end', () =>
        resolve(response.statusCode === 200 ? Buffer.concat(chunks).toString('utf8') : undefined),
      );
      response.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/**
 * The sum of every sample of metric `name` (all label sets) in Prometheus text `text`, or
 * undefined when the metric is absent.
 */
export function metricSum(text: string, name: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    // Only `name` itself or `name{...}`: not a longer metric that shares the prefix.
    if (!(rest.startsWith(' ') || rest.startsWith('{'))) continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}

/** Log entries and saves counted by a set of nodes, summed over them. */
export interface PersistCounts {
  /** Sum over nodes of their commit index (each node stores each committed entry once). */
  readonly entries: number;
  /** Sum over nodes of the saves (kvraft) or WAL fsyncs (etcd) they counted. */
  readonly saves: number;
}

/**
 * Scrapes every URL and sums `entriesMetric` and `savesMetric` over them; undefined when any
 * node does not answer or lacks either metric (a partial sum would understate the ratio).
 */
export async function persistCounts(
  urls: readonly string[],
  entriesMetric: string,
  savesMetric: string,
): Promise<PersistCounts | undefined> {
  const texts = await Promise.all(urls.map(scrape));
  let entries = 0;
  let saves = 0;
  for (const text of texts) {
    if (text === undefined) return undefined;
    const nodeEntries = metricSum(text, entriesMetric);
    const nodeSaves = metricSum(text, savesMetric);
    if (nodeEntries === undefined || nodeSaves === undefined) return undefined;
    entries += nodeEntries;
    saves += nodeSaves;
  }
  return { entries, saves };
}
