/**
 * `npm run bench [-- --small] [-- --json] [-- --only ask,brief]`, or `-- --store postgres [--only pg-ask,pg-ingest,pg-delivery]`: speed and
 * footprint, each figure beside a floor or baseline measured in the same run.
 * The first full run builds and caches the 100,000-article store (bench/.cache/).
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { benchAsk } from './ask.js';
import { benchBrief } from './brief.js';
import { benchBurst } from './burst.js';
import { benchHostile } from './hostile.js';
import { benchDelivery } from './delivery.js';
import { benchFootprint } from './footprint.js';
import { benchIngest } from './ingest.js';
import { formatTable, met, type Figure } from './report.js';
import { benchScale, SCALE_PARTS, type ScalePart } from './scale.js';

export const SIZES = {
  full: {
    ingest: { text: 2000, html: 500, feed: 2000 },
    ask: { articles: 100_000, questions: 1000, agreementSample: 200 },
    brief: { articles: 2000, runs: 15 },
    delivery: { channels: 1000 },
    footprint: { articles: 100_000, questions: 200 },
    burst: { articles: 100_000, bursts: [100, 1000], sequential: 200 },
    hostile: { articles: 100_000, questions: 200, scale: 1 },
  },
  small: {
    ingest: { text: 20, html: 10, feed: 20 },
    ask: { articles: 2000, questions: 30, agreementSample: 10 },
    brief: { articles: 100, runs: 2 },
    delivery: { channels: 10 },
    footprint: { articles: 2000, questions: 5 },
    burst: { articles: 2000, bursts: [10], sequential: 5 },
    hostile: { articles: 2000, questions: 5, scale: 0.02 },
  },
};

/** `--store postgres` (bench/scale.ts): PostgreSQL and several bot processes. */
export const SCALE_SIZES = {
  full: { articles: 100_000, questions: 1000, channels: 3000, ingest: 2000 },
  small: { articles: 2000, questions: 30, channels: 30, ingest: 20 },
};

export type Section = keyof (typeof SIZES)['full'];
export const SECTIONS: Section[] = ['ingest', 'ask', 'brief', 'delivery', 'footprint', 'burst', 'hostile'];

export interface BenchReport {
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; loadAvgStart: number[]; loadAvgEnd: number[] };
  size: 'full' | 'small';
  seconds: number;
  figures: Figure[];
}

export async function runBench(
  size: 'full' | 'small',
  only: Section[] = SECTIONS,
  log: (s: string) => void = () => {},
  store: 'sqlite' | 'postgres' = 'sqlite',
  scaleParts?: ScalePart[],
): Promise<BenchReport> {
  const s = SIZES[size];
  const started = performance.now();
  const loadAvgStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const figures: Figure[] = [];
  for (const section of only) {
    log(`${section}…`);
    const t = performance.now();
    if (section === 'ingest') figures.push(...(await benchIngest({ ...s.ingest, log })));
    if (section === 'ask') figures.push(...(await benchAsk({ ...s.ask, log })));
    if (section === 'brief') figures.push(...(await benchBrief({ ...s.brief, log })));
    if (section === 'delivery') figures.push(...(await benchDelivery({ ...s.delivery, log })));
    if (section === 'burst') figures.push(...(await benchBurst({ ...s.burst, log })));
    if (section === 'hostile') figures.push(...(await benchHostile({ ...s.hostile, log })));
    if (section === 'footprint') figures.push(...(await benchFootprint({ ...s.footprint, log })));
    log(`${section}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  if (store === 'postgres') {
    log('scale (PostgreSQL, several processes)…');
    figures.push(...(await benchScale({ ...SCALE_SIZES[size], log, parts: scaleParts })));
  }
  return {
    machine: {
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      loadAvgStart,
      loadAvgEnd: loadavg().map((x) => Math.round(x * 100) / 100),
    },
    size,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    figures,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const size = args.includes('--small') ? 'small' : 'full';
  const onlyArg = args.find((a) => a.startsWith('--only='))?.slice(7) ?? (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
  const storeArg = args.find((a) => a.startsWith('--store='))?.slice(8) ?? (args.includes('--store') ? args[args.indexOf('--store') + 1] : 'sqlite');
  if (storeArg !== 'sqlite' && storeArg !== 'postgres') throw new Error(`--store takes sqlite or postgres, not ${storeArg}`);
  // With --store postgres the PostgreSQL figures are the run; the SQLite sections join only when named with --only.
  const only = onlyArg ? (onlyArg.split(',').filter((x) => (SECTIONS as string[]).includes(x)) as Section[]) : storeArg === 'postgres' ? [] : SECTIONS;
  const scaleOnly = onlyArg?.split(',').filter((x) => (SCALE_PARTS as string[]).includes(x)) as ScalePart[] | undefined;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const report = await runBench(size, only, log, storeArg, scaleOnly?.length ? scaleOnly : undefined);
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const m = report.machine;
    process.stdout.write(
      `briefbot bench (${size}) on ${m.cores} cores, ${m.memoryGiB} GiB, ${m.cpu}, node ${m.node}; load average ${m.loadAvgStart.join(' ')} at start, ${m.loadAvgEnd.join(' ')} at end; ${report.seconds} s\n\n`,
    );
    process.stdout.write(`${formatTable(report.figures)}\n`);
    const missed = report.figures.filter((f) => met(f) === false);
    process.stdout.write(`\n${missed.length === 0 ? 'every target met' : `targets missed: ${missed.map((f) => `${f.section} ${f.name}`).join('; ')}`}\n`);
  }
  // Adapters' sockets and timers are closed; exit even if a library keeps a handle.
  process.exit(0);
}

if (process.argv[1]?.endsWith('bench/run.ts')) await main();
