import type { RawDocument } from '../src/articles/ingest.js';
import { ask } from '../src/ask/answer.js';
import { openStore } from '../src/store/open.js';
import { createWorkers } from '../src/workers/workers.js';
import { BIG_STORE_NOW, ensureBigStore } from './big-store.js';
import { loadCorpus, rng, sample } from './corpus.js';
import type { Figure } from './report.js';
import { percentile } from './stats.js';

export interface HostileBenchOptions {
  articles: number;
  questions: number;
  /** Scale of the pathological pages (1 = the sizes of tests/hostile-input.test.ts). */
  scale: number;
  log: (s: string) => void;
}

const wrap = (inner: string) => `<!doctype html><html><head><title>Harbour reopens</title></head><body>${inner}</body></html>`;

/** A normal news page of about `bytes`: real sentences, a few to a paragraph. */
function normalPage(bytes: number, seed: number): string {
  const { filler } = loadCorpus();
  const r = rng(seed);
  const paragraphs: string[] = [];
  let size = 0;
  while (size < bytes) {
    const p = `<p>${Array.from({ length: 3 }, () => filler[Math.floor(r() * filler.length)]).join(' ')}</p>\n`;
    paragraphs.push(p);
    size += p.length;
  }
  return wrap(`<article><h1>Harbour reopens</h1>${paragraphs.join('')}</article>`);
}

const STORY = '<p>The harbour reopened on Monday after a three-week strike. Dock workers accepted a 7% pay rise.</p>';

function pathological(scale: number): { name: string; html: string }[] {
  const n = (x: number) => Math.max(10, Math.round(x * scale));
  return [
    { name: `${n(200_000)} nested <div>s`, html: wrap(`${'<div>'.repeat(n(200_000))}${STORY}${'</div>'.repeat(n(200_000))}`) },
    { name: `${n(100_000)} sibling paragraphs`, html: wrap(`<article>${Array.from({ length: n(100_000) }, (_, i) => `<p>Line ${i} of the report.</p>`).join('')}</article>`) },
    { name: `${(n(5 * 1024 * 1024) / 1024 / 1024).toFixed(1)} MB on one line`, html: wrap(`<article><p>${'The harbour reopened on Monday after the strike. '.repeat(Math.ceil(n(5 * 1024 * 1024) / 49))}</p></article>`) },
    { name: `${n(60_000)} × <div><span><b> never closed`, html: wrap(`${'<div><span><b>'.repeat(n(60_000))}${STORY}`) },
  ];
}

const doc = (html: string, i: number): RawDocument => ({
  input: `hostile-${i}.html`,
  bytes: Buffer.from(html),
  ext: '.html',
  fallback: { source: 'bench', url: `https://bench.example/${i}`, date: { publishedAt: BIG_STORE_NOW.toISOString(), publishedAtSource: 'ingest-time' } },
});

/**
 * How long extraction of each pathological page takes, in a worker, beside a normal
 * page of the same size; and /ask latency while the slowest of them is being
 * extracted, beside the same questions asked while nothing else runs.
 */
export async function benchHostile(opts: HostileBenchOptions): Promise<Figure[]> {
  const workers = createWorkers();
  const figures: Figure[] = [];
  try {
    // Every thread up before anything is timed.
    await Promise.all(Array.from({ length: workers.pool.size }, () => workers.memory()));
    const pages = pathological(opts.scale);
    let slowest = { html: '', ms: 0 };
    for (const [i, p] of pages.entries()) {
      const bytes = Buffer.byteLength(p.html);
      const time = async (html: string, k: number) => {
        const t = performance.now();
        const [r] = await workers.read(doc(html, k), 120_000);
        return { ms: performance.now() - t, ok: 'article' in r, error: 'error' in r ? r.error.code : undefined };
      };
      await time(normalPage(20_000, 1), 1000 + i); // both threads warm
      const hostile = await time(p.html, i);
      const normal = await time(normalPage(bytes, i), 100 + i);
      if (hostile.ms > slowest.ms) slowest = { html: p.html, ms: hostile.ms };
      opts.log(`  hostile: ${p.name}: ${hostile.ms.toFixed(0)} ms (normal page of the same size ${normal.ms.toFixed(0)} ms)`);
      figures.push({
        section: 'hostile',
        name: `extract ${p.name}`,
        value: hostile.ms,
        unit: 'ms',
        baseline: { name: `normal page, ${(bytes / 1024 / 1024).toFixed(1)} MB`, value: normal.ms },
        ratio: hostile.ms / normal.ms,
        ratioLabel: '× normal',
        note: hostile.ok ? 'extracted' : `refused: ${hostile.error}`,
      });
    }

    const big = ensureBigStore(opts.articles, opts.log);
    const location = { dbPath: big.path };
    const store = await openStore(location);
    const questions = sample(loadCorpus().questions, opts.questions * 2 + 10, 31).map((q) => q.question);
    const askAll = async (qs: string[]) => {
      const ms: number[] = [];
      for (const q of qs) {
        const t = performance.now();
        await workers.ask(location, q, BIG_STORE_NOW);
        ms.push(performance.now() - t);
      }
      return ms;
    };
    await askAll(questions.slice(0, 10));
    const idle = await askAll(questions.slice(10, 10 + opts.questions));
    // Each worker's own share: its V8 heap and buffers (its SQLite page cache, at most 16 MiB, is not counted by V8).
    const shares = await Promise.all(Array.from({ length: workers.pool.size }, () => workers.memory()));
    const mib = (b: number) => b / 1024 / 1024;
    // The slowest page again, many times over so it outlasts the questions; its thread is ended at the default budget.
    let extracting = true;
    const hostileRun = (async () => {
      while (extracting) await workers.read(doc(slowest.html, 99), workers.budgetMs);
    })();
    while (workers.pool.running === 0) await new Promise((r) => setImmediate(r));
    const busy = await askAll(questions.slice(10 + opts.questions));
    extracting = false;
    await hostileRun;
    // Inline on this thread, as before the pool: what the same questions cost with nothing else running.
    const inline: number[] = [];
    for (const q of questions.slice(10, 10 + opts.questions)) {
      const t = performance.now();
      await ask(store, q, { now: BIG_STORE_NOW });
      inline.push(performance.now() - t);
    }
    await store.close();
    opts.log(`  hostile: /ask p99 ${percentile(busy, 99).toFixed(0)} ms while extracting, ${percentile(idle, 99).toFixed(0)} ms idle`);
    figures.push(
      {
        section: 'hostile',
        name: '/ask p99 while a hostile page is extracted',
        value: percentile(busy, 99),
        unit: 'ms',
        baseline: { name: 'idle p99, same pool', value: percentile(idle, 99) },
        ratio: percentile(busy, 99) / percentile(idle, 99),
        ratioLabel: '× idle',
        note: `${opts.questions} questions one at a time through the pool, ${big.articles} articles; p50 ${percentile(busy, 50).toFixed(0)} vs ${percentile(idle, 50).toFixed(0)} ms`,
      },
      {
        section: 'hostile',
        name: '/ask p99 idle, answered in a worker',
        value: percentile(idle, 99),
        unit: 'ms',
        baseline: { name: 'inline on the main thread', value: percentile(inline, 99) },
        ratio: percentile(idle, 99) / percentile(inline, 99),
        ratioLabel: '× inline',
        target: { op: '<=', value: 50 },
      },
      {
        section: 'hostile',
        name: 'memory per worker (V8 heap + buffers)',
        value: Math.max(...shares.map((m) => mib(m.heapTotal + m.external))),
        unit: 'MiB',
        note: `after ${opts.questions + 10} answers at ${big.articles} articles; heap used ${shares.map((m) => mib(m.heapUsed).toFixed(0)).join(' / ')} MiB; plus each worker's SQLite page cache (≤ 16 MiB)`,
      },
    );
    return figures;
  } finally {
    await workers.close();
  }
}
