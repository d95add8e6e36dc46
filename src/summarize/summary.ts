import type { StorySignature } from '../briefing/stories.js';

/** An extractive summary: verbatim sentences of the article, and its key figures. */
export interface KeyFigure {
  /** What it measures ("bilateral trade"), when the sentence says. */
  measure?: string;
  /** The figure as written ("5.7 billion ringgit ($1.37 billion)"). */
  value: string;
  kind: 'money' | 'percent' | 'count';
  /** The sentence it came from. */
  sentence: string;
}

export interface Summary {
  /** The 1–3 sentences that carry the story, verbatim, in article order. */
  sentences: string[];
  figures: KeyFigure[];
  /** Importance score of the story, used to order briefs (higher first). */
  weight: number;
  /** What groups the same story across sources (headline and lead words, names), computed once at ingest. Absent on rows stored before it existed. */
  story?: StorySignature;
}

export function formatFigure(f: KeyFigure): string {
  return f.measure ? `${f.measure}: ${f.value}` : f.value;
}
