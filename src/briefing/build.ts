import { message, type Block, type Link, type Message } from '../messages/message.js';
import type { ArticleWithSummary, Store } from '../store/store.js';
import { formatFigure } from '../summarize/summary.js';
import { stem, terms, words } from '../nlp/tokens.js';

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
export function selectStories(store: Store, options: BriefOptions): Story[] {
  const articles = store.articles.inWindow(options.since, options.until).filter((a) => matchesTopics(a, options.topics) && matchesSources(a, options.sources));
  const clusters = clusterSameStory(articles);
  const until = options.until.getTime();
  const stories = clusters.map((group) => {
    const lead = group[0];
    const ageHours = Math.max(0, (until - Date.parse(lead.publishedAt)) / 3_600_000);
    const distinctSources = new Set(group.map((a) => a.source)).size;
    const importance = Math.max(...group.map((a) => a.summary.weight)) * distinctSources;
    const figure = group.flatMap((a) => a.summary.figures)[0];
    const summary = lead.summary.sentences.find((s) => s !== lead.title) ?? lead.body.split('\n')[0];
    return {
      title: lead.title,
      url: lead.url,
      summary,
      figure: figure && formatFigure(figure),
      sources: dedupeLinks(group.map((a) => ({ label: a.source, url: a.url }))),
      publishedAt: lead.publishedAt,
      score: importance / (1 + ageHours / 24),
      articleIds: group.map((a) => a.id),
    } satisfies Story;
  });
  return stories.sort((a, b) => b.score - a.score || b.publishedAt.localeCompare(a.publishedAt)).slice(0, options.maxStories ?? 5);
}

/** The brief as a neutral Message, or null when no story matches (the caller decides whether to say so). */
export function buildBrief(store: Store, options: BriefOptions): Message | null {
  const stories = selectStories(store, options);
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
  return `last ${span}${options.topics?.length ? ` about ${options.topics.join(', ')}` : ''}`;
}

function matchesTopics(a: ArticleWithSummary, topics?: string[]): boolean {
  if (!topics || topics.length === 0) return true;
  const text = new Set(words(`${a.title} ${a.body}`).map(stem));
  return topics.some((topic) => {
    const t = words(topic).map(stem);
    return t.length > 0 && t.every((w) => text.has(w));
  });
}

function matchesSources(a: ArticleWithSummary, sources?: string[]): boolean {
  if (!sources || sources.length === 0) return true;
  const host = a.url && /^https?:/.test(a.url) ? new URL(a.url).hostname.replace(/^www\./, '') : '';
  return sources.some((s) => {
    const want = s.toLowerCase().replace(/^www\./, '');
    return a.source.toLowerCase() === want || host === want || host.endsWith(`.${want}`);
  });
}

/**
 * Groups articles that tell the same story: headline-and-lead vocabulary overlap
 * (Jaccard ≥ 0.5). An inverted index keeps this linear in practice: each article is
 * compared only with groups sharing one of its terms.
 */
function clusterSameStory(articles: ArticleWithSummary[]): ArticleWithSummary[][] {
  const groups: { members: ArticleWithSummary[]; terms: Set<string> }[] = [];
  const byTerm = new Map<string, number[]>();
  for (const a of articles) {
    const t = new Set(terms(`${a.title} ${a.summary.sentences[0] ?? ''}`));
    const overlap = new Map<number, number>();
    for (const term of t) for (const g of byTerm.get(term) ?? []) overlap.set(g, (overlap.get(g) ?? 0) + 1);
    let match = -1;
    for (const [g, shared] of overlap) {
      const union = t.size + groups[g].terms.size - shared;
      if (union > 0 && shared / union >= 0.5) {
        match = g;
        break;
      }
    }
    if (match === -1) {
      match = groups.push({ members: [], terms: t }) - 1;
      for (const term of t) byTerm.set(term, [...(byTerm.get(term) ?? []), match]);
    }
    groups[match].members.push(a);
  }
  return groups.map((g) => g.members);
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
