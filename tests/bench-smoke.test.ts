import { describe, expect, it } from 'vitest';
import { runBench, SECTIONS } from '../bench/run.js';

/**
 * Runs the whole benchmark at its smallest sizes so it never rots. It asserts only
 * that every figure is there and finite, never how fast anything was.
 */
describe('npm run bench -- --small', () => {
  it('reports every section with finite figures and same-run baselines', async () => {
    const report = await runBench('small', SECTIONS);
    const names = report.figures.map((f) => `${f.section}: ${f.name}`);
    expect(new Set(report.figures.map((f) => f.section))).toEqual(new Set(SECTIONS));
    for (const wanted of [
      'ingest: plain text into SQLite',
      'ingest: HTML into SQLite',
      'ingest: feed items into SQLite',
      'ask: p50 latency',
      'ask: p95 latency',
      'ask: p99 latency',
      'ask: top-1 agreement with unoptimised retrieval',
      'brief: build brief, 24 h window (median)',
      'delivery: Discord: one brief to 10 channels',
      'delivery: Discord: posts lost',
      'delivery: Discord: posts duplicated',
      'delivery: Slack: one brief to 10 channels',
      'delivery: Slack: posts lost',
      'delivery: Slack: posts duplicated',
      'footprint: start to ready',
      'footprint: peak RSS while answering',
    ]) {
      expect(names).toContain(wanted);
    }
    for (const f of report.figures) {
      expect(Number.isFinite(f.value), `${f.section}: ${f.name}`).toBe(true);
      if (f.baseline) expect(Number.isFinite(f.baseline.value), `${f.section}: ${f.name} baseline`).toBe(true);
      if (f.ratio !== undefined) expect(Number.isFinite(f.ratio), `${f.section}: ${f.name} ratio`).toBe(true);
    }
    // Ingest and ask figures are measured against a floor or baseline from the same run.
    for (const f of report.figures.filter((x) => x.section === 'ingest' || /^p\d\d latency$/.test(x.name))) expect(f.baseline).toBeDefined();
    // Every small ingest input was stored, and every delivery arrived exactly once.
    for (const f of report.figures.filter((x) => x.section === 'delivery' && /lost|duplicated/.test(x.name))) expect(f.value).toBe(0);
    expect(report.machine.cores).toBeGreaterThan(0);
  }, 55_000);
});
