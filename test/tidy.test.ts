// Goal: enforce the mechanical style rules Biome cannot (STYLE.md §5.2, §5.4, §5.7): the
// deterministic zones use no ambient time, randomness, timers, process or console; package
// dependency edges follow ARCHITECTURE.md; no FIXME merges. Method: read the tree as text.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/** Deterministic source roots, with the edge files that may touch the real runtime. */
const deterministicZones: { dir: string; exempt: RegExp[] }[] = [
  { dir: 'packages/raft-core/src', exempt: [/^testing\//] },
  { dir: 'packages/sim/src', exempt: [/(^|\/)cli\//, /^runtime\/settle\.ts$/] },
  { dir: 'packages/kv-service/src', exempt: [] },
  { dir: 'packages/clerk/src', exempt: [] },
  { dir: 'checker/src', exempt: [/^cli\//, /^io\//] },
];

/** Banned identifiers and what to use instead. */
const bans: { pattern: RegExp; use: string }[] = [
  { pattern: /\bDate\.now\s*\(/, use: 'Clock.now() from an injected clock' },
  { pattern: /\bnew Date\s*\(/, use: 'Clock.now() from an injected clock' },
  { pattern: /\bperformance\.now\s*\(/, use: 'Clock.now() from an injected clock' },
  { pattern: /\bMath\.random\s*\(/, use: 'an injected Prng (createPrng(seed))' },
  {
    pattern: /\b(setTimeout|setInterval|setImmediate)\s*\(/,
    use: 'Clock.setTimer() or the scheduler',
  },
  { pattern: /from\s+['"]node:/, use: 'a port implemented at the edge' },
  { pattern: /\bprocess\.\w/, use: 'options passed in by the CLI' },
  { pattern: /\bconsole\.\w/, use: 'an injected logger' },
  { pattern: /\bcrypto\.\w/, use: 'an injected Prng' },
];

/** Our packages each package may depend on (ARCHITECTURE.md, "Dependency edges"). */
const allowedEdges: Record<string, string[]> = {
  '@kvraft/raft-core': [],
  '@kvraft/kv-service': ['@kvraft/raft-core'],
  '@kvraft/clerk': ['@kvraft/kv-service'],
  '@kvraft/persister-memory': ['@kvraft/raft-core'],
  '@kvraft/persister-sqlite': [
    '@kvraft/raft-core',
    '@kvraft/persister-memory',
    '@kvraft/persister-level',
  ],
  '@kvraft/persister-level': [
    '@kvraft/raft-core',
    '@kvraft/persister-memory',
    '@kvraft/persister-sqlite',
  ],
  '@kvraft/transport': ['@kvraft/raft-core', '@kvraft/kv-service'],
  '@kvraft/sim': [
    '@kvraft/raft-core',
    '@kvraft/kv-service',
    '@kvraft/clerk',
    '@kvraft/checker',
    '@kvraft/persister-memory',
  ],
  '@kvraft/checker': [],
  '@kvraft/server': [
    '@kvraft/raft-core',
    '@kvraft/kv-service',
    '@kvraft/transport',
    '@kvraft/persister-memory',
    '@kvraft/persister-sqlite',
    '@kvraft/persister-level',
  ],
  '@kvraft/cluster': ['@kvraft/raft-core', '@kvraft/clerk', '@kvraft/server', '@kvraft/transport'],
};

function walk(dir: string): string[] {
  const abs = join(root, dir);
  let names: string[];
  try {
    names = readdirSync(abs);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (name === 'node_modules' || name === 'dist') return [];
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? walk(path) : [path];
  });
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function workspaceDirs(): string[] {
  const dirs = ['checker', 'bench'];
  for (const group of ['packages', 'apps']) {
    for (const name of walkDirs(group)) dirs.push(`${group}/${name}`);
  }
  return dirs;
}

function walkDirs(dir: string): string[] {
  try {
    return readdirSync(join(root, dir)).filter((n) => statSync(join(root, dir, n)).isDirectory());
  } catch {
    return [];
  }
}

/** Counts the lines of the brace-balanced block that opens on line `at`. */
function bodyLength(lines: readonly string[], at: number): number {
  let depth = 0;
  for (let end = at; end < lines.length; end++) {
    for (const ch of lines[end]!) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    if (depth <= 0 && end > at) return end - at + 1;
  }
  return lines.length - at;
}

describe('tidy', () => {
  it('deterministic code uses no ambient time, randomness, timers, node:, process or console', () => {
    const violations: string[] = [];
    for (const zone of deterministicZones) {
      for (const file of walk(zone.dir).filter((f) => f.endsWith('.ts'))) {
        const inZone = relative(zone.dir, file);
        if (zone.exempt.some((re) => re.test(inZone))) continue;
        const lines = stripComments(readFileSync(join(root, file), 'utf8')).split('\n');
        lines.forEach((line, i) => {
          for (const ban of bans) {
            if (ban.pattern.test(line))
              violations.push(`${file}:${i + 1}: ${line.trim()} → use ${ban.use}`);
          }
        });
      }
    }
    expect(violations).toEqual([]);
  });

  it('package dependencies follow the architecture’s one-way edges', () => {
    const violations: string[] = [];
    for (const dir of workspaceDirs()) {
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
      const allowed = allowedEdges[pkg.name];
      if (allowed === undefined) continue; // apps and bench may use everything
      const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((d) =>
        d.startsWith('@kvraft/'),
      );
      for (const dep of deps) {
        if (!allowed.includes(dep)) violations.push(`${pkg.name} must not depend on ${dep}`);
      }
      for (const file of walk(join(dir, 'src')).filter((f) => f.endsWith('.ts'))) {
        const source = readFileSync(join(root, file), 'utf8');
        for (const match of source.matchAll(/from\s+['"](@kvraft\/[a-z-]+)/g)) {
          const target = match[1]!;
          if (target !== pkg.name && !deps.includes(target)) {
            violations.push(`${file} imports ${target}, which ${pkg.name} does not declare`);
          }
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('every package a published source file imports is a runtime dependency of its package', () => {
    const violations: string[] = [];
    for (const dir of workspaceDirs()) {
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
      if (pkg.private === true) continue; // bench is a dev tool, never installed by a user
      const runtime = new Set([
        pkg.name,
        ...Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }),
      ]);
      for (const file of walk(join(dir, 'src')).filter((f) => f.endsWith('.ts'))) {
        const source = readFileSync(join(root, file), 'utf8');
        // Static and dynamic imports alike; `import type` is erased and needs no runtime package.
        const imports = source.matchAll(
          /(?:^|\n)\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]/g,
        );
        for (const match of imports) {
          const specifier = match[1] ?? match[2] ?? '';
          if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
          const name = specifier.startsWith('@')
            ? specifier.split('/').slice(0, 2).join('/')
            : specifier.split('/')[0]!;
          if (!runtime.has(name))
            violations.push(`${file} imports ${name}, not a dependency of ${pkg.name}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('no FIXME is merged', () => {
    const offenders = workspaceDirs()
      .flatMap((dir) => walk(dir))
      .filter((f) => /\.(ts|mjs|js)$/.test(f) && !f.endsWith('tidy.test.ts'))
      .filter((f) => /\bFIXME\b/.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('no function in shipped source is longer than 70 lines', () => {
    const offences: string[] = [];
    // A function or method header that opens its body on the same line.
    const header =
      /^\s*(export\s+)?(async\s+)?(function\s+\w+|(private\s+|static\s+|protected\s+)*(async\s+)?\w+\s*\(.*\)\s*(:\s*[^=]+)?\{\s*$)/;
    for (const dir of workspaceDirs()) {
      for (const file of walk(join(dir, 'src')).filter((f) => f.endsWith('.ts'))) {
        const lines = readFileSync(join(root, file), 'utf8').split('\n');
        lines.forEach((line, at) => {
          if (!header.test(line) || /^\s*(if|for|while|switch|catch)\b/.test(line)) return;
          const length = bodyLength(lines, at);
          if (length > 70) offences.push(`${file}:${at + 1}: ${length} lines`);
        });
      }
    }
    expect(offences).toEqual([]);
  });

  it('every raft-core export has a doc comment', () => {
    const missing: string[] = [];
    for (const file of walk('packages/raft-core/src').filter((f) => f.endsWith('.ts'))) {
      const lines = readFileSync(join(root, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!/^export (async )?(function|class|interface|type|const) [A-Za-z]/.test(line)) return;
        const previous = lines[i - 1]?.trim() ?? '';
        if (!previous.endsWith('*/')) missing.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(missing).toEqual([]);
  });
});
