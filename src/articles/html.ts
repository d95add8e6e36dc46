/**
 * Main-text extraction from an HTML page: the story's text, one paragraph per line,
 * and the page's metadata. @mozilla/readability finds the article container; our own
 * walk turns its HTML into paragraph lines.
 */
import { Readability } from '@mozilla/readability';
import { DOMParser } from 'linkedom';

export interface ExtractedHtml {
  title?: string;
  /** Plain text, one paragraph per line. */
  body: string;
  byline?: string;
  siteName?: string;
  /** As the page states it (usually ISO 8601). */
  publishedAt?: string;
  lang?: string;
}

type Doc = Document;

function parse(html: string): Doc {
  // linkedom needs a root element; a bare fragment or an empty string would give a document without body.
  const source = /<html[\s>]/i.test(html) ? html : `<!doctype html><html><body>${html}</body></html>`;
  return new DOMParser().parseFromString(source, 'text/html') as unknown as Doc;
}

export function extractHtml(html: string, url?: string): ExtractedHtml {
  const meta = readMetadata(parse(html));
  const doc = parse(html);
  let body = '';
  let article: ReturnType<Readability['parse']> = null;
  try {
    article = new Readability(doc, { charThreshold: 500 }).parse();
  } catch {
    article = null;
  }
  if (article?.content) body = htmlToLines(article.content);
  if (!body) body = fallbackText(parse(html));
  void url;
  return {
    ...(meta.title || article?.title ? { title: meta.title || clean(article?.title ?? '') } : {}),
    body,
    ...(meta.byline || article?.byline ? { byline: meta.byline || clean(article?.byline ?? '') } : {}),
    ...(meta.siteName || article?.siteName ? { siteName: meta.siteName || clean(article?.siteName ?? '') } : {}),
    ...(meta.publishedAt || article?.publishedTime ? { publishedAt: meta.publishedAt || clean(article?.publishedTime ?? '') } : {}),
    ...(meta.lang || article?.lang ? { lang: meta.lang || clean(article?.lang ?? '') } : {}),
  };
}

// ---------- HTML → paragraph lines ----------

const BLOCK = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE',
  'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION',
  'SUMMARY', 'TABLE', 'TBODY', 'THEAD', 'TFOOT', 'TR', 'UL', 'CAPTION',
]);
const CELL = new Set(['TD', 'TH']);
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'BUTTON', 'SELECT', 'OPTION', 'OBJECT', 'IFRAME', 'CANVAS', 'HEAD', 'TITLE']);

export function clean(text: string): string {
  return text.replace(/[\s\u00a0\u200b\u200c\u200d\ufeff]+/g, ' ').trim();
}

/** Lines of an element tree: block elements and <br> end a line; cells are separated by a space. */
export function elementLines(root: Node, skip: (el: Element) => boolean = () => false): string[] {
  const lines: string[] = [];
  let current = '';
  const flush = () => {
    const t = clean(current);
    if (t) lines.push(t);
    current = '';
  };
  const walk = (node: Node) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) {
        current += child.nodeValue ?? '';
        continue;
      }
      if (child.nodeType !== 1) continue;
      const el = child as Element;
      const tag = el.tagName.toUpperCase();
      if (SKIP.has(tag) || skip(el)) continue;
      if (tag === 'BR') {
        flush();
        continue;
      }
      if (tag === 'IMG') continue;
      const block = BLOCK.has(tag);
      if (block) flush();
      else if (CELL.has(tag)) current += ' ';
      walk(el);
      if (block) flush();
      else if (CELL.has(tag)) current += ' ';
    }
  };
  walk(root);
  flush();
  return lines;
}

function htmlToLines(content: string): string {
  const doc = parse(`<!doctype html><html><body>${content}</body></html>`);
  return elementLines(doc.body).join('\n');
}

function fallbackText(doc: Doc): string {
  const root = doc.querySelector('article') ?? doc.querySelector('main') ?? doc.body ?? doc.documentElement;
  if (!root) return '';
  return elementLines(root, (el) => /^(NAV|HEADER|FOOTER|ASIDE|FORM)$/i.test(el.tagName)).join('\n');
}

// ---------- metadata ----------

interface Meta {
  title?: string;
  byline?: string;
  siteName?: string;
  publishedAt?: string;
  lang?: string;
}

function metaContent(doc: Doc, ...keys: string[]): string | undefined {
  for (const key of keys) {
    for (const el of Array.from(doc.querySelectorAll('meta'))) {
      const name = (el.getAttribute('property') ?? el.getAttribute('name') ?? el.getAttribute('itemprop') ?? '').toLowerCase();
      if (name === key) {
        const v = clean(el.getAttribute('content') ?? '');
        if (v) return v;
      }
    }
  }
  return undefined;
}

function jsonLd(doc: Doc): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      out.push(v as Record<string, unknown>);
      const graph = (v as Record<string, unknown>)['@graph'];
      if (graph) visit(graph);
    }
  };
  for (const s of Array.from(doc.querySelectorAll('script[type="application/ld+json"]'))) {
    try {
      visit(JSON.parse(s.textContent ?? ''));
    } catch {
      // Broken JSON-LD is common; the other sources still apply.
    }
  }
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && clean(v) ? clean(v) : undefined);

function ldAuthor(v: unknown): string | undefined {
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) {
    const names = v.map(ldAuthor).filter((x): x is string => !!x);
    return names.length ? names.join(', ') : undefined;
  }
  if (v && typeof v === 'object') return str((v as Record<string, unknown>).name);
  return undefined;
}

function readMetadata(doc: Doc): Meta {
  const ld = jsonLd(doc);
  const article = ld.find((o) => typeof o.datePublished === 'string' || typeof o.headline === 'string');
  const timeEl = doc.querySelector('time[datetime]');
  const title = metaContent(doc, 'og:title', 'twitter:title') ?? str(article?.headline) ?? str(doc.querySelector('title')?.textContent);
  const lang = str(doc.documentElement?.getAttribute('lang')) ?? metaContent(doc, 'og:locale', 'content-language');
  return {
    title,
    byline: metaContent(doc, 'author', 'article:author', 'byl', 'parsely-author') ?? ldAuthor(article?.author),
    siteName: metaContent(doc, 'og:site_name', 'application-name') ?? str((article?.publisher as Record<string, unknown> | undefined)?.name),
    publishedAt:
      metaContent(doc, 'article:published_time', 'og:article:published_time', 'datepublished', 'date', 'pubdate', 'publishdate', 'dc.date.issued', 'dc.date') ??
      str(article?.datePublished) ??
      str(timeEl?.getAttribute('datetime')),
    lang,
  };
}
