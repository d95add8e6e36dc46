import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitSentences } from '../src/nlp/sentences.js';

/**
 * Real text for the benchmarks, read from the shared evaluation sets beside the
 * repository (never copied into it): sentence pools to recombine into articles
 * with a real vocabulary, SQuAD paragraphs with their questions.
 */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function evalPath(rel: string): string {
  return resolve(process.env.BRIEFBOT_EVAL_DIR ?? resolve(repoRoot, '../shared/eval'), rel);
}

/** Deterministic PRNG (mulberry32), so every run builds the same corpus. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SquadParagraph {
  title: string;
  context: string;
}

export interface SquadQuestion {
  question: string;
  answers: string[];
  paragraph: number;
}

export interface Corpus {
  /** Distinct news sentences (CNN/DailyMail, BBC, RealTimeQA evidence), not SQuAD, so SQuAD answers stay unique. */
  filler: string[];
  paragraphs: SquadParagraph[];
  questions: SquadQuestion[];
}

function jsonl<T>(rel: string): T[] {
  return readFileSync(evalPath(rel), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** CNN/DailyMail is lowercased and tokenised ("it 's", "( cnn )"); join the tokens back and capitalise sentence starts. */
function detokenise(text: string): string {
  return text
    .replace(/-lrb-|\( /gi, '(')
    .replace(/-rrb-| \)/gi, ')')
    .replace(/ (['’]s|n't|'re|'ve|'ll|'d|'m)\b/g, '$1')
    .replace(/ ([.,;:!?%])/g, '$1')
    .replace(/`` | ''/g, '"')
    .replace(/(^|[.!?]\s+)([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());
}

let cached: Corpus | undefined;

export function loadCorpus(): Corpus {
  if (cached) return cached;
  const seen = new Set<string>();
  const filler: string[] = [];
  const add = (text: string) => {
    for (const s of splitSentences(text)) {
      const words = s.split(' ').length;
      if (words < 4 || words > 60 || seen.has(s)) continue;
      seen.add(s);
      filler.push(s);
    }
  };
  for (const r of jsonl<{ article: string }>('summarization/cnndm-dev.jsonl')) add(detokenise(r.article.replace(/ \. /g, ' .\n')));
  for (const r of jsonl<{ article: string }>('summarization/bbc100-dev.jsonl')) add(r.article);
  for (const r of jsonl<{ evidence: string }>('qa/realtimeqa-dev.jsonl')) add(r.evidence);

  const squad = JSON.parse(readFileSync(evalPath('qa/squad-dev.json'), 'utf8')) as {
    data: { title: string; paragraphs: { context: string; qas: { question: string; answers: { text: string }[] }[] }[] }[];
  };
  const paragraphs: SquadParagraph[] = [];
  const questions: SquadQuestion[] = [];
  for (const doc of squad.data) {
    for (const p of doc.paragraphs) {
      const i = paragraphs.push({ title: doc.title.replace(/_/g, ' '), context: p.context }) - 1;
      for (const q of p.qas) questions.push({ question: q.question, answers: q.answers.map((a) => a.text), paragraph: i });
    }
  }
  cached = { filler, paragraphs, questions };
  return cached;
}

/** `n` items picked evenly over the whole list (varied topics), in a seeded order. */
export function sample<T>(items: T[], n: number, seed: number): T[] {
  const r = rng(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, Math.min(n, copy.length));
}

export interface FakeArticle {
  title: string;
  /** Sentences of each paragraph. */
  paragraphs: string[][];
}

/** A news-like article recombined from real sentences: a headline and 3–5 paragraphs of 2–6 sentences. */
export function recombine(pool: string[], r: () => number, sentences = 25): FakeArticle {
  const pick = () => pool[Math.floor(r() * pool.length)];
  const title = pick().replace(/[.!?]+$/, '');
  const paragraphs: string[][] = [];
  let left = sentences - 1;
  while (left > 0) {
    const n = Math.min(left, 2 + Math.floor(r() * 5));
    paragraphs.push(Array.from({ length: n }, pick));
    left -= n;
  }
  return { title, paragraphs };
}
