/**
 * ROUGE-N, ROUGE-L and ROUGE-Lsum as Google's `rouge-score` computes them, so figures
 * printed here are comparable with published ones. Tokenising, LCS back-tracking and
 * the union-LCS hit counting follow rouge_scorer.py step by step: small deviations
 * (another tie-break in the LCS read-out, another token filter) change the numbers.
 */
import { stemmer } from 'stemmer';

export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

export type RougeType = 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum' | `rouge${number}`;

export interface RougeOptions {
  /** Porter-stem tokens longer than 3 characters (rouge-score's `use_stemmer`). */
  stem?: boolean;
}

const ZERO: RougeScore = { precision: 0, recall: 0, fmeasure: 0 };

export function tokenize(text: string, stem = false): string[] {
  const tokens = text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').split(/\s+/);
  const out: string[] = [];
  for (const t of tokens) {
    const s = stem && t.length > 3 ? stemmer(t) : t;
    if (/^[a-z0-9]+$/.test(s)) out.push(s);
  }
  return out;
}

export function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

function ngramCounts(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    // \u0001 cannot occur in a token, so joined n-grams never collide.
    const key = tokens.slice(i, i + n).join('\u0001');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export function scoreNgrams(target: string[], prediction: string[], n: number): RougeScore {
  const t = ngramCounts(target, n);
  const p = ngramCounts(prediction, n);
  let overlap = 0;
  let tTotal = 0;
  let pTotal = 0;
  for (const [k, c] of t) {
    overlap += Math.min(c, p.get(k) ?? 0);
    tTotal += c;
  }
  for (const c of p.values()) pTotal += c;
  const precision = overlap / Math.max(pTotal, 1);
  const recall = overlap / Math.max(tTotal, 1);
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** The (rows+1)×(cols+1) LCS length table, flattened row-major. */
function lcsTable(ref: string[], can: string[]): Int32Array {
  const cols = can.length + 1;
  const t = new Int32Array((ref.length + 1) * cols);
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= can.length; j++) {
      t[i * cols + j] =
        ref[i - 1] === can[j - 1] ? t[(i - 1) * cols + j - 1] + 1 : Math.max(t[(i - 1) * cols + j], t[i * cols + j - 1]);
    }
  }
  return t;
}

export function scoreLcs(target: string[], prediction: string[]): RougeScore {
  if (!target.length || !prediction.length) return ZERO;
  const t = lcsTable(target, prediction);
  const lcs = t[t.length - 1];
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** Indices into `ref` of one LCS, read out with rouge-score's tie-break. */
export function lcsIndices(ref: string[], can: string[]): number[] {
  const t = lcsTable(ref, can);
  const cols = can.length + 1;
  const out: number[] = [];
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (t[i * cols + j - 1] > t[(i - 1) * cols + j]) j--;
    else i--;
  }
  return out.reverse();
}

/** Summary-level LCS (Lin 2004, §3.2) with ROUGE-1.5.5's guard against double counting. */
export function scoreSummaryLcs(refSents: string[][], canSents: string[][]): RougeScore {
  if (!refSents.length || !canSents.length) return ZERO;
  const m = refSents.reduce((a, s) => a + s.length, 0);
  const n = canSents.reduce((a, s) => a + s.length, 0);
  if (!m || !n) return ZERO;
  const countsR = new Map<string, number>();
  const countsC = new Map<string, number>();
  for (const s of refSents) for (const tok of s) countsR.set(tok, (countsR.get(tok) ?? 0) + 1);
  for (const s of canSents) for (const tok of s) countsC.set(tok, (countsC.get(tok) ?? 0) + 1);
  let hits = 0;
  for (const r of refSents) {
    const union = new Set<number>();
    for (const c of canSents) for (const idx of lcsIndices(r, c)) union.add(idx);
    for (const idx of [...union].sort((a, b) => a - b)) {
      const tok = r[idx];
      const cc = countsC.get(tok) ?? 0;
      const cr = countsR.get(tok) ?? 0;
      if (cc > 0 && cr > 0) {
        hits++;
        countsC.set(tok, cc - 1);
        countsR.set(tok, cr - 1);
      }
    }
  }
  const recall = hits / m;
  const precision = hits / n;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

/** Scores one prediction against one target for each requested ROUGE type. */
export function rouge(
  target: string,
  prediction: string,
  types: readonly RougeType[],
  opts: RougeOptions = {},
): Record<string, RougeScore> {
  const stem = opts.stem ?? false;
  let tTok: string[] | undefined;
  let pTok: string[] | undefined;
  const result: Record<string, RougeScore> = {};
  for (const type of types) {
    if (type === 'rougeLsum') {
      result[type] = scoreSummaryLcs(
        lines(target).map((s) => tokenize(s, stem)),
        lines(prediction).map((s) => tokenize(s, stem)),
      );
      continue;
    }
    tTok ??= tokenize(target, stem);
    pTok ??= tokenize(prediction, stem);
    if (type === 'rougeL') {
      result[type] = scoreLcs(tTok, pTok);
      continue;
    }
    const m = /^rouge([0-9])$/.exec(type);
    if (!m || m[1] === '0') throw new Error(`invalid ROUGE type: ${type}`);
    result[type] = scoreNgrams(tTok, pTok, Number(m[1]));
  }
  return result;
}
