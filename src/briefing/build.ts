import { message, type Block, type Link, type Message } from '../messages/message.js';
import type { Store, StoryCandidate } from '../store/store.js';
import { formatFigure } from '../summarize/summary.js';
import { words } from '../nlp/tokens.js';
import { groupStories } from './stories.js';

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
  // Grouping and ranking read each article's story features as stored at ingest, without body or summary.
  const topics = (options.topics ?? []).map((t) => words(t)).filter((t) => t.length > 0);
  const window = await store.articles.storyCandidates(options.since, options.until, topics.length ? topics : undefined);
  const clusters = clusterSameStory(window.filter((a) => matchesSources(a, options.sources)));
  const until = options.until.getTime();
  const ranked = clusters.map((group) => {
    const lead = mostInformative(group);
    const ageHours = Math.max(0, (until - Date.parse(lead.publishedAt)) / 3_600_000);
    const distinctSources = new Set(group.map((a) => a.source)).size;
    const importance = Math.max(...group.map((a) => a.storyFeatures.weight)) * distinctSources;
    return { group, lead, score: importance / (1 + ageHours / 24) };
  });
  ranked.sort((a, b) => b.score - a.score || b.lead.publishedAt.localeCompare(a.lead.publishedAt));
  const kept = ranked.slice(0, options.maxStories ?? 5);
  // Summaries and bodies only for the stories the brief keeps (a window of thousands makes well over a thousand).
  const full = new Map((await store.articles.withSummaries(kept.flatMap((r) => r.group.map((a) => a.id)))).map((a) => [a.id, a]));
  return kept.flatMap(({ group, lead: leadCandidate, score }) => {
    const lead = full.get(leadCandidate.id);
    // An article gone between the two reads: its story is left out rather than told from half its sources.
    if (!lead) return [];
    const others = group.filter((a) => a !== leadCandidate).flatMap((a) => full.get(a.id) ?? []);
    const figure = [lead, ...others].flatMap((a) => a.summary.figures)[0];
    return [
      {
        title: lead.title,
        url: lead.url,
        summary: lead.summary.sentences.find((s) => s !== lead.title) ?? lead.body.split('\n')[0],
        figure: figure && formatFigure(figure),
        sources: dedupeLinks([lead, ...others].map((a) => ({ label: a.source, url: a.url }))),
        publishedAt: lead.publishedAt,
        score,
        articleIds: group.map((a) => a.id),
      } satisfies Story,
    ];
  });
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

function matchesSources(a: Pick<StoryCandidate, 'source' | 'url'>, sources?: string[]): boolean {
  if (!sources || sources.length === 0) return true;
  const host = a.url && /^https?:/.test(a.url) ? new URL(a.url).hostname.replace(/^www\./, '') : '';
  return sources.some((s) => {
    const want = s.toLowerCase().replace(/^www\./, '');
    return a.source.toLowerCase() === want || host === want || host.endsWith(`.${want}`);
  });
}

/** Articles that report the same event, grouped (src/briefing/stories.ts); each group's members newest first. */
function clusterSameStory(articles: StoryCandidate[]): StoryCandidate[][] {
  const labels = groupStories(articles.map((a) => ({ signature: a.storyFeatures.signature, publishedAt: a.publishedAt })));
  const groups = new Map<number, StoryCandidate[]>();
  articles.forEach((a, i) => {
    const g = groups.get(labels[i]);
    if (g) g.push(a);
    else groups.set(labels[i], [a]);
  });
  return [...groups.values()];
}

/**
 * The member whose summary sentence says most (StoryFeatures.informative): the most distinct
 * content words, a stated figure counting extra. Outlets lead with different sentences; a bullet keeps one.
 */
function mostInformative(group: StoryCandidate[]): StoryCandidate {
  let best = group[0];
  let bestScore = -1;
  for (const a of group) {
    if (a.storyFeatures.informative > bestScore) {
      best = a;
      bestScore = a.storyFeatures.informative;
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
