import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BriefbotError } from '../errors.js';
import { htmlToText } from './html.js';
import { toIsoDate, type ParsedArticle } from './parsed.js';

/** Items of an RSS 2.0, RSS 1.0 (RDF), Atom or JSON Feed document, one article each. */
export interface ParsedFeed {
  title?: string;
  link?: string;
  language?: string;
  items: ParsedArticle[];
}

export function parseFeed(text: string): ParsedFeed {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{')) return parseJsonFeed(trimmed);
  const valid = XMLValidator.validate(trimmed);
  if (valid !== true) {
    throw new BriefbotError('malformed_xml', `malformed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    removeNSPrefix: false,
    processEntities: true,
    htmlEntities: true,
    isArray: (name) => ['item', 'entry', 'link', 'category'].includes(name),
  });
  const doc = parser.parse(trimmed) as Record<string, any>;
  if (doc.rss?.channel) return fromRss(doc.rss.channel);
  if (doc['rdf:RDF']) return fromRss({ ...doc['rdf:RDF'].channel, item: doc['rdf:RDF'].item });
  if (doc.feed) return fromAtom(doc.feed);
  throw new BriefbotError('not_a_feed', 'it is XML but not an RSS, RDF or Atom feed');
}

function text(v: unknown): string | undefined {
  if (v == null) return undefined;
  if (typeof v === 'string' || typeof v === 'number') return String(v).trim() || undefined;
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === 'object' && '#text' in (v as object)) return text((v as Record<string, unknown>)['#text']);
  return undefined;
}

function fromRss(channel: Record<string, any>): ParsedFeed {
  const source = text(channel.title);
  const language = text(channel.language);
  const items = ((channel.item ?? []) as Record<string, any>[]).map((item) => {
    const html = text(item['content:encoded']) ?? text(item.description) ?? '';
    const date = toIsoDate(text(item.pubDate) ?? text(item['dc:date']));
    const link = text(item.link) ?? (item.guid?.['@isPermaLink'] !== 'false' ? text(item.guid) : undefined);
    return {
      title: htmlToText(text(item.title) ?? ''),
      body: htmlToText(html),
      source: source ?? undefined,
      url: link,
      publishedAt: date,
      publishedAtSource: date ? ('feed' as const) : undefined,
      language: text(item['dc:language']) ?? language,
    };
  });
  return { title: source, link: text(channel.link), language, items };
}

function atomLink(links: unknown): string | undefined {
  const list = (Array.isArray(links) ? links : [links]).filter(Boolean) as Record<string, any>[];
  const alt = list.find((l) => !l['@rel'] || l['@rel'] === 'alternate') ?? list[0];
  return alt ? (alt['@href'] as string | undefined) ?? text(alt) : undefined;
}

function fromAtom(feed: Record<string, any>): ParsedFeed {
  const source = text(feed.title);
  const language = feed['@xml:lang'] as string | undefined;
  const items = ((feed.entry ?? []) as Record<string, any>[]).map((entry) => {
    const html = text(entry.content) ?? text(entry.summary) ?? '';
    const date = toIsoDate(text(entry.published) ?? text(entry.updated));
    return {
      title: htmlToText(text(entry.title) ?? ''),
      body: htmlToText(html),
      source,
      url: atomLink(entry.link),
      publishedAt: date,
      publishedAtSource: date ? ('feed' as const) : undefined,
      language: (entry['@xml:lang'] as string | undefined) ?? language,
    };
  });
  return { title: source, link: atomLink(feed.link), language, items };
}

function parseJsonFeed(raw: string): ParsedFeed {
  let doc: Record<string, any>;
  try {
    doc = JSON.parse(raw);
  } catch (err) {
    throw new BriefbotError('malformed_json', `malformed JSON Feed: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc.items)) throw new BriefbotError('not_a_feed', 'JSON Feed has no "items" array');
  const source = typeof doc.title === 'string' ? doc.title : undefined;
  const items = (doc.items as Record<string, any>[]).map((item) => {
    const date = toIsoDate(item.date_published ?? item.date_modified);
    const body = typeof item.content_text === 'string' ? item.content_text : htmlToText(String(item.content_html ?? item.summary ?? ''));
    return {
      title: String(item.title ?? '').trim(),
      body,
      source,
      url: typeof item.url === 'string' ? item.url : undefined,
      publishedAt: date,
      publishedAtSource: date ? ('feed' as const) : undefined,
      language: item.language ?? doc.language,
    };
  });
  return { title: source, link: doc.home_page_url, language: doc.language, items };
}
