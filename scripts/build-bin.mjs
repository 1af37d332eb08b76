// Bundles one bin into a single ESM file with esbuild, over the file tsc emitted for it (tsc
// still emits the package's library modules and .d.ts). Why: a bin spread over ~80 modules
// spends most of its start-up resolving, reading and linking them (commander alone goes through
// the CommonJS loader), and one file roughly halves `kvraft get` (docs/measurements.md).
// Usage, from a package dir:
//   node ../../scripts/build-bin.mjs <entry.ts> <out.js> [--external <package>]... [--split]
//     [--client-only]
// Bundled from source (the @kvraft/source condition), so a bin does not depend on the order in
// which turbo builds the other packages. Left out of the bundle and loaded from node_modules at
// run time, only by the command that needs them:
// - native modules (better-sqlite3, classic-level, msgpackr-extract);
// - the persister adapters, which @kvraft/server imports by a computed name;
// - each --external package (exactly that specifier; its subpaths are still bundled): a
//   dependency that only some commands import lazily, so the other commands do not even parse it.
// --split: code that the entry imports lazily (`await import()`) goes to <out dir>/chunks/, loaded
// only by the command that imports it. Without it, the one file holds everything, and the static
// imports of externals inside lazily imported modules become static imports of the bundle.
// (Splitting mishandles a lazy import() of a CommonJS package, such as pino: bins that import
// one lazily stay one file.)
// --client-only: the bundle is a client (small requests and replies), so msgpackr does not load
// its native string decoder (msgpackr-extract, ~25 ms of dlopen at every start).
// The licence of each bundled third-party package goes to <out dir>/THIRD-PARTY-LICENSES.txt.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { build } from 'esbuild';

const usage =
  'usage: build-bin.mjs <entry.ts> <out.js> [--external <package>]... [--split] [--client-only]';
const [entry, outfile, ...rest] = process.argv.slice(2);
if (entry === undefined || outfile === undefined) throw new Error(usage);
const externalPackages = new Set();
let clientOnly = false;
let split = false;
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--client-only') clientOnly = true;
  else if (rest[i] === '--split') split = true;
  else if (rest[i] === '--external' && rest[i + 1] !== undefined) externalPackages.add(rest[++i]);
  else throw new Error(`build-bin: unexpected argument ${rest[i]}\n${usage}`);
}

/** Keeps each --external specifier (exactly it, not its subpaths) out of the bundle. */
const exactExternals = {
  name: 'exact-externals',
  setup(builder) {
    builder.onResolve({ filter: /^[@a-z]/ }, (args) =>
      externalPackages.has(args.path) ? { path: args.path, external: true } : undefined,
    );
  },
};

// Chunks are named by content hash: drop the previous build's, or they pile up in the tarball.
const outdir = dirname(outfile);
rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
const result = await build({
  entryPoints: [entry],
  ...(split
    ? {
        outdir,
        entryNames: basename(outfile, '.js'),
        splitting: true,
        chunkNames: 'chunks/[name]-[hash]',
      }
    : { outfile }),
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  conditions: ['@kvraft/source'],
  external: ['better-sqlite3', 'classic-level', 'msgpackr-extract'],
  plugins: [exactExternals],
  // msgpackr's documented switch; it reads it once, when its module is evaluated.
  define: clientOnly ? { 'process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED': '"true"' } : {},
  // Bundled CommonJS (commander, pino, msgpackr's optional native loader) calls require(): give
  // the ESM bundle a real one, resolving from the bundle's own location.
  banner: {
    js: "import { createRequire as __kvraftCreateRequire } from 'node:module';\nconst require = __kvraftCreateRequire(import.meta.url);",
  },
  // Less text to scan at every start; names stay, so stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});

// The licence of every package under node_modules whose code went into the bundle.
const packageDirs = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match?.[1] !== undefined) packageDirs.add(match[1]);
}
const notices = [...packageDirs].sort().map((dir) => {
  const { name, version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text =
    file === undefined
      ? `(no licence file; its package.json says ${license})`
      : readFileSync(join(dir, file), 'utf8').trim();
  return `${name}@${version} (${license})\n\n${text}\n`;
});
if (notices.length > 0) {
  writeFileSync(
    join(dirname(outfile), 'THIRD-PARTY-LICENSES.txt'),
    `Third-party code bundled into ${basename(outfile)}:\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`,
  );
}
