/** `eval extract`: main-text extraction of the benchmark pages, scored as the benchmark does. */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readability } from '@mozilla/readability';
import { DOMParser } from 'linkedom';
import { decodeText } from '../src/articles/decode.js';
import { articleFromHtml } from '../src/articles/ingest.js';
import { f3, pct, readJsonl, report, writeJsonl } from './common.js';
import { scoreExtraction, shingleMatch, precisionScore, recallScore, type ExtractionMetrics } from './extraction-score.js';

export interface ExtractOptions {
  data: string;
  out?: string;
  json?: boolean;
  /** Print per-page figures (worst first) to find what to improve. */
  pages?: boolean;
}

interface Truth {
  id: string;
  url: string;
  body: string;
}

/** The baseline: Readability's own textContent, nothing else. */
function readabilityAlone(html: string): string {
  try {
    const doc = new DOMParser().parseFromString(html, 'text/html') as unknown as Document;
    return new Readability(doc).parse()?.textContent ?? '';
  } catch {
    return '';
  }
}

async function safeBody(html: string, url: string): Promise<string> {
  try {
    return (await articleFromHtml(html, url)).body;
  } catch {
    return ''; // a page with no story text left scores as an empty prediction
  }
}

export async function runExtract(opts: ExtractOptions): Promise<{ ours: ExtractionMetrics; readability: ExtractionMetrics }> {
  const truth = new Map(readJsonl<Truth>(join(opts.data, 'truth.jsonl')).map((t) => [t.id, t]));
  const files = readdirSync(join(opts.data, 'pages')).filter((f) => f.endsWith('.html')).sort();
  const ours: { id: string; truth: string; prediction: string }[] = [];
  const base: { truth: string; prediction: string }[] = [];
  for (const file of files) {
    const id = basename(file, '.html');
    const t = truth.get(id);
    if (!t) continue;
    const html = decodeText(readFileSync(join(opts.data, 'pages', file)));
    // The same path as `briefbot extract`: extraction, then page-noise cleaning.
    ours.push({ id, truth: t.body, prediction: await safeBody(html, t.url) });
    base.push({ truth: t.body, prediction: readabilityAlone(html) });
  }
  const o = scoreExtraction(ours);
  const r = scoreExtraction(base);
  if (opts.out) writeJsonl(opts.out, ours.map((p) => ({ id: p.id, body: p.prediction })));
  if (opts.pages && !opts.json) {
    const rows = ours.map((p) => {
      const c = shingleMatch(p.truth, p.prediction);
      return { id: p.id.slice(0, 12), p: precisionScore(c), r: recallScore(c) };
    });
    rows.sort((a, b) => a.p + a.r - (b.p + b.r));
    for (const row of rows) console.log(`${row.id}  P ${f3(row.p)}  R ${f3(row.r)}`);
  }
  report(
    !!opts.json,
    { pages: o.pages, f1: o.f1, precision: o.precision, recall: o.recall, accuracy: o.accuracy, readability: { f1: r.f1, precision: r.precision, recall: r.recall, accuracy: r.accuracy } },
    [
      `extraction (${o.pages} pages, ${opts.data})`,
      `  briefbot extract       F1 ${f3(o.f1)}  precision ${f3(o.precision)}  recall ${f3(o.recall)}  accuracy ${pct(o.accuracy)}`,
      `  readability alone      F1 ${f3(r.f1)}  precision ${f3(r.precision)}  recall ${f3(r.recall)}  accuracy ${pct(r.accuracy)}`,
    ],
  );
  return { ours: o, readability: r };
}
