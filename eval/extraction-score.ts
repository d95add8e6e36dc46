/**
 * Main-text extraction scoring as scrapinghub/article-extraction-benchmark's
 * evaluate.py does it, so our F1 is comparable with the published peers.
 */

/** Python's `\w+` with re.UNICODE: letters, numbers and underscore; case kept. */
const WORD = /[\p{L}\p{N}_]+/gu;

export function wordTokens(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Overlapping 4-token shingles; a text shorter than n tokens is one short shingle. */
export function shingles(text: string, n = 4): Map<string, number> {
  const tokens = wordTokens(text);
  const out = new Map<string, number>();
  for (let i = 0; i < Math.max(1, tokens.length - n + 1); i++) {
    const s = tokens.slice(i, i + n);
    if (!s.length) continue;
    const key = s.join('\u0001');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** Per-page TP/FP/FN, each divided by their sum so long pages weigh no more than short ones. */
export interface TpFpFn {
  tp: number;
  fp: number;
  fn: number;
}

export function shingleMatch(truth: string, prediction: string): TpFpFn {
  const t = shingles(truth);
  const p = shingles(prediction);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const key of new Set([...t.keys(), ...p.keys()])) {
    const tc = t.get(key) ?? 0;
    const pc = p.get(key) ?? 0;
    tp += Math.min(tc, pc);
    fp += Math.max(0, pc - tc);
    fn += Math.max(0, tc - pc);
  }
  const s = tp + fp + fn;
  return s > 0 ? { tp: tp / s, fp: fp / s, fn: fn / s } : { tp, fp, fn };
}

export function precisionScore({ tp, fp, fn }: TpFpFn): number {
  if (fp === 0 && fn === 0) return 1;
  if (tp === 0 && fp === 0) return 0;
  return tp / (tp + fp);
}

export function recallScore({ tp, fp, fn }: TpFpFn): number {
  if (fp === 0 && fn === 0) return 1;
  if (tp === 0 && fn === 0) return 0;
  return tp / (tp + fn);
}

export interface ExtractionMetrics {
  f1: number;
  precision: number;
  recall: number;
  /** Share of pages whose token sequence equals the truth's exactly. */
  accuracy: number;
  pages: number;
}

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function scoreExtraction(pairs: readonly { truth: string; prediction: string }[]): ExtractionMetrics {
  const counts = pairs.map((p) => shingleMatch(p.truth, p.prediction));
  // evaluate.py averages precision over pages with any prediction, recall over pages with any truth.
  const precision = mean(counts.filter((c) => c.tp + c.fp > 0).map(precisionScore));
  const recall = mean(counts.filter((c) => c.tp + c.fn > 0).map(recallScore));
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const exact = pairs.filter((p) => wordTokens(p.truth).join(' ') === wordTokens(p.prediction).join(' ')).length;
  return { f1, precision, recall, accuracy: pairs.length ? exact / pairs.length : 0, pages: pairs.length };
}
