import { message, type Block, type Link, type Message } from '../messages/message.js';
import type { ArticleWithSummary, Store } from '../store/store.js';
import { formatFigure } from '../summarize/summary.js';
import { terms, words } from '../nlp/tokens.js';
import { groupStories, storySignature } from './stories.js';

export interface BriefOptions {
  since: Date;
  until: Date;
  /** Keywords or topics; a story matches when its headline or text mentions any. */
  topics?: string[];
  /** Source names or hosts. */
  sources?: string[];
  maxStories?: number;
  title?: string;
}

export interface Story {
  title: string;
  url?: string;
  summary: string;
  figure?: string;
  sources: Link[];
  publishedAt: string;
  score: number;
  articleIds: number[];
}

/** Stories for a window, deduplicated across sources and ordered by importance and recency. */
export async function selectStories(store: Store, options: BriefOptions): Promise<Story[]> {
  // Topics are matched in the store, on the stems its sentence index holds: only matching rows are read.
  const topics = (options.topics ?? []).map((t) => words(t)).filter((t) => t.length > 0);
  const window = topics.length ? await store.articles.inWindowAbout(options.since, options.until, topics) : await store.articles.inWindow(options.since, options.until);
  const articles = window.filter((a) => matchesSources(a, options.sources));
  const clusters = clusterSameStory(articles);
  const until = options.until.getTime();
  const stories = clusters.map((group) => {
    const lead = mostInformative(group);
    const ageHours = Math.max(0, (until - Date.parse(lead.publishedAt)) / 3_600_000);
    const distinctSources = new Set(group.map((a) => a.source)).size;
    const importance = Math.max(...group.map((a) => a.summary.weight)) * distinctSources;
    const figure = [lead, ...group.filter((a) => a !== lead)].flatMap((a) => a.summary.figures)[0];
    const summary = lead.summary.sentences.find((s) => s !== lead.title) ?? lead.body.split('\n')[0];
    return {
      title: lead.title,
      url: lead.url,
      summary,
      figure: figure && formatFigure(figure),
      sources: dedupeLinks([lead, ...group.filter((a) => a !== lead)].map((a) => ({ label: a.source, url: a.url }))),
      publishedAt: lead.publishedAt,
      score: importance / (1 + ageHours / 24),
      articleIds: group.map((a) => a.id),
    } satisfies Story;
  });
  return stories.sort((a, b) => b.score - a.score || b.publishedAt.localeCompare(a.publishedAt)).slice(0, options.maxStories ?? 5);
}

/** The brief as a neutral Message, or null when no story matches (the caller decides whether to say so). */
export async function buildBrief(store: Store, options: BriefOptions): Promise<Message | null> {
  const stories = await selectStories(store, options);
  if (stories.length === 0) return null;
  const blocks: Block[] = stories.map((s) => ({
    type: 'story',
    title: s.title,
    url: s.url,
    summary: s.summary,
    figure: s.figure,
    sources: s.sources,
    publishedAt: s.publishedAt,
  }));
  const sourceCount = new Set(stories.flatMap((s) => s.sources.map((l) => l.label))).size;
  blocks.push({ type: 'context', text: `${stories.length} ${stories.length === 1 ? 'story' : 'stories'} from ${sourceCount} ${sourceCount === 1 ? 'source' : 'sources'}, ${describeWindow(options)}` });
  return message(blocks, options.title ?? 'News brief');
}

export function describeWindow(options: Pick<BriefOptions, 'since' | 'until' | 'topics'>): string {
  const hours = Math.round((options.until.getTime() - options.since.getTime()) / 3_600_000);
  const span = hours % 24 === 0 ? `${hours / 24 === 1 ? '24 hours' : `${hours / 24} days`}` : `${hours} hours`;
  // "last 7,600 days" says less than the date it started.
  const when = hours > 31 * 24 ? `since ${options.since.toISOString().slice(0, 10)}` : `last ${span}`;
  return `${when}${options.topics?.length ? ` about ${options.topics.join(', ')}` : ''}`;
}

function matchesSources(a: ArticleWithSummary, sources?: string[]): boolean {
  if (!sources || sources.length === 0) return true;
  const host = a.url && /^https?:/.test(a.url) ? new URL(a.url).hostname.replace(/^www\./, '') : '';
  return sources.some((s) => {
    const want = s.toLowerCase().replace(/^www\./, '');
    return a.source.toLowerCase() === want || host === want || host.endsWith(`.${want}`);
  });
}

/** Articles that report the same event, grouped (src/briefing/stories.ts); each group's members newest first. */
function clusterSameStory(articles: ArticleWithSummary[]): ArticleWithSummary[][] {
  const labels = groupStories(
    articles.map((a) => ({
      // Rows stored before signatures existed: their summary sentences stand in for the lead.
      signature: a.summary.story ?? storySignature(a.title, a.summary.sentences),
      publishedAt: a.publishedAt,
    })),
  );
  const groups = new Map<number, ArticleWithSummary[]>();
  articles.forEach((a, i) => {
    const g = groups.get(labels[i]);
    if (g) g.push(a);
    else groups.set(labels[i], [a]);
  });
  return [...groups.values()];
}

/**
 * The member whose summary sentence says most: the most distinct content words, a
 * stated figure counting extra. Outlets lead with different sentences; a bullet keeps one.
 */
function mostInformative(group: ArticleWithSummary[]): ArticleWithSummary {
  let best = group[0];
  let bestScore = -1;
  for (const a of group) {
    const sentence = a.summary.sentences.find((s) => s !== a.title) ?? '';
    const score = new Set(terms(sentence)).size + 3 * Math.min(a.summary.figures.length, 1);
    if (score > bestScore) {
      best = a;
      bestScore = score;
    }
  }
  return best;
}

function dedupeLinks(links: Link[]): Link[] {
  const seen = new Set<string>();
  return links.filter((l) => {
    const key = l.label.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
