import { parse as parseYaml } from 'yaml';
import { BriefbotError } from '../errors.js';
import { toIsoDate, type ParsedArticle } from './parsed.js';

/**
 * A text or Markdown article as scraped: the first line is the headline, the rest
 * the story. Optional YAML front matter (title, source, url, date, language)
 * supplies what a scraper knew about the page.
 */
export function parseTextArticle(text: string): ParsedArticle {
  let meta: Record<string, unknown> = {};
  let content = text.replace(/^\uFEFF/, '');
  const front = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(content);
  if (front) {
    try {
      const parsed = parseYaml(front[1]);
      if (parsed && typeof parsed === 'object') meta = parsed as Record<string, unknown>;
    } catch (err) {
      throw new BriefbotError('bad_front_matter', `its front matter is not valid YAML (${(err as Error).message.split('\n')[0]})`);
    }
    content = content.slice(front[0].length);
  }
  const lines: string[] = [];
  for (const raw of content.split(/\r?\n/)) {
    const line = stripMarkdown(raw);
    if (line.trim().length > 0) lines.push(line);
  }
  if (lines.length === 0) throw new BriefbotError('empty', 'it holds no text');
  const title = textField(meta, 'title') ?? lines.shift()!;
  const date = toIsoDate(meta.date ?? meta.published ?? meta.publishedAt);
  return {
    title: title.trim(),
    body: lines.join('\n'),
    source: textField(meta, 'source') ?? textField(meta, 'site'),
    url: textField(meta, 'url'),
    publishedAt: date,
    publishedAtSource: date ? 'page' : undefined,
    language: textField(meta, 'language') ?? textField(meta, 'lang'),
  };
}

function textField(meta: Record<string, unknown>, k: string): string | undefined {
  const v = meta[k];
  return typeof v === 'string' ? v.trim() : undefined;
}

/** Markdown to plain text, line by line: headings, emphasis, links and images. */
function stripMarkdown(line: string): string {
  return line
    .replace(/^\s{0,3}#{1,6}\s+/, '')
    .replace(/^\s{0,3}>\s?/, '')
    .replace(/^\s*[-*+]\s+/, '')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|\s)[*_]([^*_]+)[*_](?=\s|[.,;:!?]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^\s*(?:-{3,}|\*{3,}|_{3,})\s*$/, '');
}
