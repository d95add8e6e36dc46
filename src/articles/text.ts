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
      const parsed = simpleFrontMatter(front[1]) ?? parseYaml(front[1]);
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

// A line `key: value` whose value YAML reads as that very text: it starts with a letter or digit (no
// indicator, quote, sign or dot), holds no " #" comment, no ": " and no control character, and ends
// in neither a space nor a colon. Values YAML 1.2 reads as null, booleans or numbers are left to it.
const SIMPLE_LINE = /^([A-Za-z][A-Za-z0-9_]*): ([A-Za-z0-9](?:[^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]*[^\s:\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff])?)$/;
const NOT_TEXT = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$|^[0-9][0-9a-fA-FoxXeE._+-]*$/;

/**
 * Front matter that is only `key: value` lines of plain text, read without the YAML parser
 * (a scraper's usual title, source, url and date; parsing them was a tenth of a text
 * article's ingest). Anything else, or any doubt, returns undefined and YAML reads it.
 */
export function simpleFrontMatter(source: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const line of source.split('\n')) {
    const m = SIMPLE_LINE.exec(line);
    if (!m || NOT_TEXT.test(m[1]) || NOT_TEXT.test(m[2]) || m[2].includes(' #') || m[2].includes(': ') || Object.hasOwn(out, m[1])) return undefined;
    out[m[1]] = m[2];
  }
  return out;
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
