// Goal: the HTML report explains a violation in plain language and is self-contained. Method:
// render the report of Porcupine's c01-bad and of a hand-written stale read, and inspect it.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  check,
  checkAppends,
  explain,
  importPorcupine,
  kvModel,
  renderHtml,
} from '../src/index.ts';
import { porcupineKvDir } from './porcupine-paths.ts';
import { historyOf } from './support/build.ts';

describe('explanations and the HTML report', () => {
  const stale = historyOf([
    { process: 1, f: 'append', input: 'x 1 0 y', call: 1000, ret: 2000 },
    { process: 3, f: 'get', output: '', call: 3000, ret: 4000 },
  ]);

  it('explains a stale read by the write that completed before it', () => {
    const [explanation] = explain(stale, check(stale, kvModel), kvModel);
    const text = explanation?.sentences.join(' ') ?? '';
    expect(text).toMatch(/client 3's get of "k" returned ""/i);
    expect(text).toContain(`client 1's append of "x 1 0 y" to "k" had completed at 1.0 µs`);
  });

  it('renders a self-contained page with the timeline, the prefix and the explanation', () => {
    const history = importPorcupine(readFileSync(path.join(porcupineKvDir, 'c01-bad.txt'), 'utf8'));
    if (!history.ok) throw new Error(history.error.detail);
    const result = check(history.history, kvModel);
    const html = renderHtml(history.history, result, kvModel, {
      appends: checkAppends(history.history),
    });
    expect(html).toContain('Key &quot;7&quot;: illegal');
    expect(html).toContain('the longest valid order found places');
    expect(html).toContain('class="op blocked');
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<(script|img|link)[^>]+(src|href)=/);
  });
});
