import type { Message } from '../messages/message.js';
import type { Store } from '../store/store.js';
import { buildBrief } from './build.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function monthYear(iso: string): string {
  const d = new Date(iso);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export interface SamplesBrief {
  /** "January 2005 to November 2025": months, because some samples are dated only to the month. */
  published: string;
  message: Message | null;
}

/**
 * The bundled samples carry their real publication dates, so a "last 24 hours" brief
 * never shows them: on a fresh store the console shows their own brief instead, over
 * the window they were published in, and says when that was.
 */
export async function samplesBrief(store: Store, articleIds: number[], now: Date): Promise<SamplesBrief | undefined> {
  const dates: string[] = [];
  for (const id of articleIds) {
    const a = await store.articles.get(id);
    if (a) dates.push(a.publishedAt);
  }
  if (dates.length === 0) return undefined;
  dates.sort();
  const first = monthYear(dates[0]);
  const last = monthYear(dates[dates.length - 1]);
  const since = new Date(Date.parse(dates[0]) - 3_600_000);
  const until = new Date(Math.max(now.getTime(), Date.parse(dates[dates.length - 1]) + 1));
  const message = await buildBrief(store, { since, until, maxStories: dates.length, title: 'Sample brief' });
  return { published: first === last ? first : `${first} to ${last}`, message };
}
