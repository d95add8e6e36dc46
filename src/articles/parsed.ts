import type { DateSource } from '../store/store.js';

/** An article as read from one input, before cleaning fallbacks (source, date) are filled in. */
export interface ParsedArticle {
  title: string;
  body: string;
  source?: string;
  url?: string;
  publishedAt?: string;
  publishedAtSource?: DateSource;
  language?: string;
}

/** ISO 8601 of a date string, or undefined when it does not parse. */
export function toIsoDate(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
