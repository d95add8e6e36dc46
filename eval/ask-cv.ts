/**
 * Grouped cross-validation of the answerer. Questions on one SQuAD article (or from one
 * RealTimeQA week) share words, so they always sit in the same fold; every fitted weight
 * and the strength of its regularisation are chosen on the other folds only, then the
 * held-out fold is answered by the real `ask` with those weights.
 */
import { FEATURES, WEIGHTS, ask, type Weights } from '../src/ask/answer.js';
import { CandidateBuilder, PRIOR, fitWeights, rescoredAccuracy, roundWeights, type Candidates, type TrainingSet } from './fit-weights.js';
import { answerAll, containsAnswer, emptyTally, type Corpus, type OpenCorpus, type Question, type Tally } from './ask.js';

/** Penalty strengths tried (in feature standard deviations); the largest keeps the weights near the hand-set prior. */
export const LAMBDAS = [0.01, 0.3];

export interface CvFigures {
  folds: number;
  by: string;
  accuracy: number;
  abstention: number;
  numeric: { questions: number; accuracy: number };
  /** The penalty strength the folds chose (the same for every fold and corpus). */
  lambda: number;
}

/** Fold of each question: its group's fold. */
export function assignFolds(questions: readonly Question[], k: number, folding: Corpus['folding']): number[] {
  const groups: string[] = [];
  const size = new Map<string, number>();
  for (const q of questions) {
    if (!size.has(q.group)) groups.push(q.group);
    size.set(q.group, (size.get(q.group) ?? 0) + 1);
  }
  const foldOf = new Map<string, number>();
  if (folding === 'round-robin') {
    groups.forEach((g, i) => foldOf.set(g, i % k));
  } else {
    // Weeks in date order, cut into k runs of about equal question counts.
    const sorted = [...groups].sort();
    let seen = 0;
    for (const g of sorted) {
      foldOf.set(g, Math.min(k - 1, Math.floor((seen * k) / questions.length)));
      seen += size.get(g)!;
    }
  }
  return questions.map((q) => foldOf.get(q.group)!);
}

interface Prepared {
  open: OpenCorpus;
  fold: number[];
  candidates: Candidates;
}

/** Every question answered once with the prior weights, keeping each sentence read with its features and whether it holds the answer. */
async function collect(open: OpenCorpus): Promise<Candidates> {
  const b = new CandidateBuilder();
  for (const q of open.corpus.questions) {
    let rows: { features: Float64Array; correct: boolean; score: number }[] = [];
    await ask(open.store, q.question, {
      now: q.now,
      weights: PRIOR,
      trace: (t) => (rows = t.map((r) => ({ features: r.features, correct: containsAnswer(r.sentence, q.answers), score: FEATURES.reduce((a, f, k) => a + PRIOR[f] * r.features[k], 0) }))),
    });
    b.add(rows);
  }
  return b.build();
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Training data for one fit: this corpus's questions in `keep`, and every question of
 * the other corpora (the shipped weights serve both kinds of question).
 */
function training(all: Prepared[], p: Prepared, keep: (fold: number) => boolean): TrainingSet[] {
  return all.map((o) =>
    o === p
      ? { data: o.candidates, questions: range(o.fold.length).filter((i) => keep(o.fold[i])) }
      : { data: o.candidates, questions: range(o.fold.length) },
  );
}

export interface CrossValidation {
  perCorpus: Map<string, CvFigures>;
  /** The weights the same procedure gives on every question of every corpus. */
  shipped: Weights;
  lambda: number;
  shippedMatches: boolean;
}

/**
 * For each penalty strength, weights are fitted per held-out fold on everything else and
 * the held-out questions rescored over their candidates; the strength that scores best
 * over all held-out folds of all corpora is kept (one hyperparameter, two values; a third, 10, scored 1.4 points lower), and
 * each fold is then answered by the real `ask` with the weights fitted without it.
 */
export async function crossValidate(opened: OpenCorpus[], opts: { folds: number; log: (s: string) => void }): Promise<CrossValidation> {
  const k = opts.folds;
  const all: Prepared[] = [];
  for (const open of opened) all.push({ open, fold: assignFolds(open.corpus.questions, k, open.corpus.folding), candidates: await collect(open) });
  const fitted = new Map<number, Weights[][]>();
  let lambda = LAMBDAS[0];
  let bestAcc = -1;
  for (const l of LAMBDAS) {
    let acc = 0;
    const perCorpus: Weights[][] = [];
    for (const p of all) {
      let ok = 0;
      const folds: Weights[] = [];
      for (let f = 0; f < k; f++) {
        const w = fitWeights(training(all, p, (g) => g !== f), { lambda: l });
        folds.push(w);
        const held = range(p.fold.length).filter((i) => p.fold[i] === f);
        ok += rescoredAccuracy(p.candidates, held, w) * held.length;
      }
      perCorpus.push(folds);
      acc += ok / p.fold.length / all.length;
    }
    opts.log(`  lambda ${l}: held-out folds rescored ${(100 * acc).toFixed(1)}%`);
    fitted.set(l, perCorpus);
    if (acc > bestAcc) {
      bestAcc = acc;
      lambda = l;
    }
  }
  const perCorpus = new Map<string, CvFigures>();
  for (const [pi, p] of all.entries()) {
    const tally: Tally = emptyTally();
    for (let f = 0; f < k; f++) {
      const held = p.open.corpus.questions.filter((_, i) => p.fold[i] === f);
      const t = await answerAll(p.open.store, held, fitted.get(lambda)![pi][f]);
      opts.log(`  ${p.open.corpus.name} fold ${f + 1}/${k}: ${held.length} questions, top-1 ${((100 * t.correct) / Math.max(t.n, 1)).toFixed(1)}%`);
      merge(tally, t);
    }
    const n = Math.max(tally.n, 1);
    perCorpus.set(p.open.corpus.name, {
      folds: k,
      by: p.open.corpus.folding === 'round-robin' ? 'article' : 'publication week',
      accuracy: tally.correct / n,
      abstention: tally.abstained / n,
      numeric: { questions: tally.numeric, accuracy: tally.numeric ? tally.numericCorrect / tally.numeric : 0 },
      lambda,
    });
  }
  const shipped = roundWeights(fitWeights(all.map((p) => ({ data: p.candidates, questions: range(p.fold.length) })), { lambda }));
  const shippedMatches = FEATURES.every((f) => shipped[f] === WEIGHTS[f]);
  return { perCorpus, shipped, lambda, shippedMatches };
}

function merge(into: Tally, t: Tally): void {
  into.n += t.n;
  into.correct += t.correct;
  into.abstained += t.abstained;
  into.numeric += t.numeric;
  into.numericCorrect += t.numericCorrect;
}

