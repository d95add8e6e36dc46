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
 * load a round trip to that thread. Built once per process into a folder named by the
 * build's content, the workers load plain modules with no hooks. Packages stay external
 * (imported from node_modules as they are), and every dynamic import() stays its own chunk,
 * so the HTML and feed parsers still load only in a worker that meets a page or a feed.
 */

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const CACHE = join(repoRoot, 'node_modules', '.cache', 'briefbot-workers');
/** Older builds are removed after this long: a process that old has its workers up, and rebuilds if its own is gone. */
const KEEP_MS = 24 * 3600_000;

let built: string | undefined;
let warned = false;

// Maps are read as modules load, so they are switched on before the bundle is imported.
const START = "process.setSourceMapsEnabled(true);\nawait import('./worker.mjs');\n";

/**
 * The module workers start from: the built bundle, or src/workers/entry.mjs (tsx in the
 * worker) when it cannot be built or written (no esbuild, a read-only install).
 */
export function workerEntry(): URL {
  try {
    if (!built || !existsSync(built)) built = unchanged() ?? build();
    return pathToFileURL(built);
  } catch (err) {
    // The same code runs either way, with more memory per worker: worth one line, not a failure.
    if (!warned) process.emitWarning(`the worker threads load their TypeScript through tsx (their bundle could not be built: ${(err as Error).message})`);
    warned = true;
    return new URL('./entry.mjs', import.meta.url);
  }
}

function build(): string {
  const result = buildSync({
    entryPoints: [join(here, 'worker.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: join(CACHE, 'out'),
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
  for (const f of result.outputFiles) hash.update(relative(CACHE, f.path)).update(f.contents);
  const name = hash.digest('hex').slice(0, 16);
  const dir = join(CACHE, name);
  const entry = join(dir, 'start.mjs');
  if (!existsSync(entry)) {
    // Written aside and renamed whole: another process building the same code at the same time finds all or nothing.
    const tmp = join(CACHE, `${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    for (const f of result.outputFiles) {
      const to = join(tmp, relative(join(CACHE, 'out'), f.path));
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, f.contents);
    }
    writeFileSync(join(tmp, 'start.mjs'), START);
    try {
      renameSync(tmp, dir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(entry)) throw err;
    }
  }
  prune(name);
  record(entry, Object.keys(result.metafile.inputs));
  return entry;
}

/** Which build is current, and the sources it was built from with their sizes and times. */
const MANIFEST = join(CACHE, 'current.json');
type Manifest = { entry: string; inputs: [path: string, size: number, mtimeMs: number][] };

/** The last build, when none of its sources changed since: a start then costs a few stat calls, not a build. */
function unchanged(): string | undefined {
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (!existsSync(m.entry)) return undefined;
  for (const [path, size, mtimeMs] of m.inputs) {
    try {
      const st = statSync(join(repoRoot, path));
      if (st.size !== size || st.mtimeMs !== mtimeMs) return undefined;
    } catch {
      return undefined;
    }
  }
  return m.entry;
}

function record(entry: string, inputs: string[]): void {
  // esbuild names inputs relative to the working directory.
  const manifest: Manifest = {
    entry,
    inputs: inputs.map((i) => {
      const path = relative(repoRoot, join(process.cwd(), i));
      const st = statSync(join(repoRoot, path));
      return [path, st.size, st.mtimeMs];
    }),
  };
  const tmp = `${MANIFEST}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(manifest));
  renameSync(tmp, MANIFEST);
}

function prune(keep: string): void {
  const now = Date.now();
  for (const d of readdirSync(CACHE)) {
    if (d === keep || d === 'current.json') continue;
    const path = join(CACHE, d);
    try {
      if (now - statSync(path).mtimeMs > KEEP_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}
