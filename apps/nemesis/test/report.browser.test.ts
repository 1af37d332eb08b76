// Goal: report.html works in a real browser: it loads from a file with no network, draws the
// timeline, the fault and leader bands, both charts and the availability table, and the
// verdict. Method: a short simulated run writes the page; headless Chromium (Debian's
// chromium-headless-shell) dumps its DOM after layout and takes a screenshot. Without a
// Chromium binary the test is skipped and says why.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/commands/run.ts';

const root = mkdtempSync(join(tmpdir(), 'nemesis-browser-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const browser = ['chromium-headless-shell', 'chromium', 'chromium-browser']
  .map((name) => spawnSync('which', [name], { encoding: 'utf8' }).stdout.trim())
  .find((path) => path !== '');
if (browser === undefined) {
  console.log(
    'report.browser.test: skipped, no Chromium (apt-get install -y chromium-headless-shell)',
  );
}

function chromium(args: string[]): string {
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
  flags.push(
    '--disable-component-update',
    '--no-first-run',
    `--user-data-dir=${join(root, 'profile')}`,
  );
  return execFileSync(browser!, [...flags, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

describe('report.html in headless Chromium', () => {
  it.skipIf(browser === undefined)(
    'renders the verdict, timeline, charts and availability',
    async () => {
      const out = join(root, 'run');
      const code = await runCommand(
        {
          nodes: 3,
          persister: 'sqlite',
          clients: 3,
          durationMs: 14_000,
          faults: ['kill', 'partition', 'pause'],
          workload: 'append',
          seed: 9,
          out,
          runtime: 'sim',
          allowAmnesia: false,
          concurrency: 1,
          checkBudgetMs: 20_000,
        },
        { print: () => undefined, tty: false },
      );
      expect(code).toBe(0);
      const url = `file://${join(out, 'report.html')}`;
      const dom = chromium(['--dump-dom', url]);
      expect(dom).toMatch(/class="verdict"[^>]*>VALID</);
      expect(dom).toMatch(/aria-label="operations timeline"/);
      expect((dom.match(/<rect /g) ?? []).length).toBeGreaterThan(100);
      expect(dom).toMatch(/Operations per second/);
      expect(dom).toMatch(/Latency percentiles per second/);
      expect(dom).toMatch(/Availability after each fault/);
      const shot = join(root, 'report.png');
      chromium(['--window-size=1200,1600', `--screenshot=${shot}`, url]);
      expect(existsSync(shot) && statSync(shot).size > 10_000).toBe(true);
    },
  );
});
