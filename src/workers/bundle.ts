import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';

/**
 * The worker threads' code as JavaScript, built with esbuild from src/workers/worker.ts.
 *
 * The bot runs its TypeScript through tsx's loader, and a worker thread does not inherit a
 * loader: registered in each worker (src/workers/entry.mjs), it runs its hooks on one more
 * thread per worker, which cost ~30 MiB of resident memory per worker and every module
 * load a round trip to that thread. Built into a folder named by the build's content, the
 * workers load plain modules with no hooks. Packages stay external (imported from
 * node_modules as they are), and every dynamic import() stays its own chunk, so the HTML
 * and feed parsers still load only in a worker that meets a page or a feed.
 */

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');

export interface BundleSpec {
  /** The module to bundle. */
  entry: string;
  /** The project's root: the manifest names sources relative to it. */
  root: string;
  /** Where builds are kept, one folder each, with the manifest of the latest. */
  cache: string;
}

const WORKERS: BundleSpec = { entry: join(here, 'worker.ts'), root: repoRoot, cache: join(repoRoot, 'node_modules', '.cache', 'briefbot-workers') };

/** Builds of other sources are removed after this long; a process whose build is gone makes it again for its next worker. */
const KEEP_MS = 24 * 3600_000;

// Maps are read as modules load, so they are switched on before the bundle is imported.
const START = "process.setSourceMapsEnabled(true);\nawait import('./worker.mjs');\n";

let built: string | undefined;
let warned = false;

/**
 * The module a worker starts from: the built bundle, or src/workers/entry.mjs (tsx in the
 * worker) when it cannot be built or written (no esbuild, a read-only install). The pool asks
 * for every worker it starts: this process's build while its folder is there (a process
 * with other sources removes it after KEEP_MS), else a build of the sources as they are then.
 */
export function workerEntry(): URL {
  try {
    if (!built || !existsSync(built)) built = bundle(WORKERS);
    return pathToFileURL(built);
  } catch (err) {
    // The same code runs either way, with more memory per worker: worth one line, not a failure.
    if (!warned) process.emitWarning(`the worker threads load their TypeScript through tsx (their bundle could not be built: ${(err as Error).message})`);
    warned = true;
    return new URL('./entry.mjs', import.meta.url);
  }
}

/**
 * The path of a start module that runs `spec.entry` bundled: the latest build while none of
 * its sources changed (a few stat calls), else a new build (80–240 ms).
 */
export function bundle(spec: BundleSpec): string {
  return unchanged(spec) ?? build(spec);
}

function build(spec: BundleSpec): string {
  const out = join(spec.cache, 'out');
  const result = buildSync({
    entryPoints: [spec.entry],
    absWorkingDir: spec.root,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: out,
    outExtension: { '.js': '.mjs' },
    // Stack traces of a task's errors name the TypeScript sources, as under tsx (the maps' relative
    // paths hold from the final folder too: it sits beside 'out').
    sourcemap: 'linked',
    sourcesContent: false,
    keepNames: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const hash = createHash('sha256').update(START);
  for (const f of result.outputFiles) hash.update(relative(out, f.path)).update(f.contents);
  const name = hash.digest('hex').slice(0, 16);
  const dir = join(spec.cache, name);
  const start = join(dir, 'start.mjs');
  if (!existsSync(start)) {
    // Written aside and renamed whole: another process building the same code at the same time finds all or nothing.
    const tmp = join(spec.cache, `${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    for (const f of result.outputFiles) {
      const to = join(tmp, relative(out, f.path));
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, f.contents);
    }
    writeFileSync(join(tmp, 'start.mjs'), START);
    try {
      renameSync(tmp, dir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(start)) throw err;
    }
  }
  prune(spec.cache, name);
  // esbuild names the inputs relative to its working directory, the root.
  record(spec, start, Object.keys(result.metafile.inputs));
  return start;
}

/** Which build is current, and the sources it was built from with their sizes and times. */
type Manifest = { start: string; inputs: [path: string, size: number, mtimeMs: number][] };
const manifestOf = (spec: BundleSpec) => join(spec.cache, 'current.json');

/** The latest build, when none of its sources changed since. */
function unchanged(spec: BundleSpec): string | undefined {
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(manifestOf(spec), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (!existsSync(m.start)) return undefined;
  for (const [path, size, mtimeMs] of m.inputs) {
    try {
      const st = statSync(join(spec.root, path));
      if (st.size !== size || st.mtimeMs !== mtimeMs) return undefined;
    } catch {
      return undefined;
    }
  }
  return m.start;
}

function record(spec: BundleSpec, start: string, inputs: string[]): void {
  const manifest: Manifest = {
    start,
    inputs: inputs.map((path) => {
      const st = statSync(join(spec.root, path));
      return [path, st.size, st.mtimeMs];
    }),
  };
  const tmp = `${manifestOf(spec)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(manifest));
  renameSync(tmp, manifestOf(spec));
}

function prune(cache: string, keep: string): void {
  const now = Date.now();
  for (const d of readdirSync(cache)) {
    if (d === keep || d === 'current.json') continue;
    const path = join(cache, d);
    try {
      if (now - statSync(path).mtimeMs > KEEP_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}
