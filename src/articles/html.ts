/**
 * Main-text extraction from an HTML page: the story's text, one paragraph per line,
 * and the page's metadata. @mozilla/readability finds the article container; our own
 * walk turns its HTML into paragraph lines.
 */
import { Readability } from '@mozilla/readability';
import { DOMParser } from 'linkedom';
import { wordsAtMost } from './clean.js';
import { capHtmlDepth } from './html-depth.js';
import { nonSpaceLength } from './non-space.js';

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

export function extractHtml(page: string, url?: string): ExtractedHtml {
  const html = capHtmlDepth(page);
  // Metadata is read before Readability rewrites the document, so one parse serves both.
  const doc = parse(html);
  const meta = readMetadata(doc);
  let article: ReturnType<Readability<Element>['parse']> = null;
  try {
    // Classes are kept for pruneFurniture. The content comes back as the element Readability built, not
    // as HTML: serialising it and parsing that again cost a fifth of the extraction.
    article = new Readability<Element>(doc, { charThreshold: 500, keepClasses: true, serializer: (el) => el as Element }).parse();
  } catch {
    article = null;
  }
  const body = (article?.content && !serialisesEmpty(article.content) && contentLines(article.content)) || fallbackText(parse(html));
  const out: ExtractedHtml = { body };
  // og:title and JSON-LD headline name the story alone; Readability's title strips the " | Site" suffix of <title>.
  const title = pick(meta.title, article?.title, meta.documentTitle);
  // Bylines are names: not profile URLs, without the leading "By".
  const byline = [meta.byline, article?.byline]
    .map((v) => (v ? clean(v).replace(/^by\s+/i, '') : ''))
    .find((v) => v && !/^https?:\/\//i.test(v));
  const siteName = pick(meta.siteName, article?.siteName, hostOf(url));
  const publishedAt = pick(meta.publishedAt, article?.publishedTime);
  const lang = pick(meta.lang, article?.lang);
  if (title) out.title = title;
  if (byline) out.byline = byline;
  if (siteName) out.siteName = siteName;
  if (publishedAt) out.publishedAt = publishedAt;
  if (lang) out.lang = lang;
  return out;
}

function pick(...values: (string | null | undefined)[]): string | undefined {
  for (const v of values) {
    const c = v ? clean(v) : '';
    if (c) return c;
  }
  return undefined;
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).hostname.replace(/^www\./, '') || undefined : undefined;
  } catch {
    return undefined;
  }
}

/** Plain text of an HTML fragment (a feed item's body), one paragraph per line. */
export function htmlToText(html: string): string {
  const doc = parse(capHtmlDepth(html));
  return elementLines(doc.body ?? doc.documentElement)
    .map((l) => l.text)
    .join('\n');
}

// ---------- HTML → paragraph lines ----------

const BLOCK = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE',
  'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION',
  'SUMMARY', 'TABLE', 'TBODY', 'THEAD', 'TFOOT', 'TR', 'UL', 'CAPTION',
]);
const CELL = new Set(['TD', 'TH']);
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'BUTTON', 'SELECT', 'OPTION', 'OBJECT', 'IFRAME', 'CANVAS', 'HEAD', 'TITLE']);

// Runs of space (and zero-width characters) as one space. Only the runs that are not already a lone space
// are matched: most runs are, and each match is a call out of the regular expression engine.
const SPACE_RUN_TO_FOLD = /(?: (?=[\s\u200b\u200c\u200d])|[^\S ]|[\u200b\u200c\u200d])[\s\u200b\u200c\u200d]*/g;

/** `text.replace(/[\s\u00a0\u200b\u200c\u200d\ufeff]+/g, ' ').trim()` (the property test keeps that form). */
export function clean(text: string): string {
  return text.replace(SPACE_RUN_TO_FOLD, ' ').trim();
}

/** One output line with what the walk learned about it. */
export interface Line {
  text: string;
  /** Characters of the line that sit inside links. */
  linkChars: number;
  /** Characters inside <time> elements. */
  timeChars: number;
}

const isWordChar = (c: string | undefined) => !!c && /[\p{L}\p{N}]/u.test(c);

/** Lines of an element tree: block elements and <br> end a line; cells are separated by a space. */
export function elementLines(root: Node, skip: (el: Element) => boolean = () => false): Line[] {
  const lines: Line[] = [];
  let current = '';
  let linkChars = 0;
  let timeChars = 0;
  let inLink = 0;
  let inTime = 0;
  const flush = () => {
    const t = clean(current);
    if (t) lines.push({ text: t, linkChars, timeChars });
    current = '';
    linkChars = 0;
    timeChars = 0;
  };
  const walk = (node: Node) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) {
        const v = child.nodeValue ?? '';
        if (inLink || inTime) {
          const n = nonSpaceLength(v);
          if (inLink) linkChars += n;
          if (inTime) timeChars += n;
        }
        current += v;
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
      // Text written without spaces (CJK) runs straight into a link; keep the word boundary the markup implies.
      const spaced = tag === 'A' && isWordChar(current.at(-1));
      if (spaced) current += ' ';
      if (tag === 'A') inLink++;
      if (tag === 'TIME') inTime++;
      walk(el);
      if (tag === 'A') inLink--;
      if (tag === 'TIME') inTime--;
      if (tag === 'A' && isWordChar(nextChar(el))) current += ' ';
      if (block) flush();
      else if (CELL.has(tag)) current += ' ';
    }
  };
  walk(root);
  flush();
  return lines;
}

function nextChar(el: Element): string | undefined {
  const n = el.nextSibling;
  return n && n.nodeType === 3 ? (n.nodeValue ?? '')[0] : undefined;
}

/**
 * Class and id words of page furniture that Readability's candidate often keeps:
 * captions and credits, bylines and dates, share and follow widgets, related-story
 * boxes, newsletters, comments, author bios.
 */
const FURNITURE =
  /(?:^|[\s_-])(?:caption|credits?|byline|author|authors|bio|share|sharing|social|related|newsletter|promo|advert|advertisement|ads?|sponsor|sponsored|subscribe|subscription|comments?|breadcrumbs?|timestamp|dateline|date|published|tags?|toolbar|recommended|recirc|more-stories|read-more|disclaimer|copyright|gallery|featured-image|image-credit|photo-credit)(?=$|[\s_-])/i;

function textLength(el: Element): number {
  return nonSpaceLength(el.textContent ?? '');
}

/** Removes figures, captions and furniture blocks, sparing any block that holds much of the story. */
function pruneFurniture(root: Element): void {
  const total = Math.max(1, textLength(root));
  for (const el of Array.from(root.querySelectorAll('figure, figcaption, picture'))) el.remove();
  for (const el of Array.from(root.querySelectorAll('aside, nav, footer, [class], [id]'))) {
    // Gone with a block removed before it (the root need not be in a document: isConnected would not do).
    if (!root.contains(el)) continue;
    const words = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`;
    if (!/^(?:ASIDE|NAV|FOOTER)$/i.test(el.tagName) && !FURNITURE.test(words)) continue;
    if (textLength(el) > total * 0.3) continue;
    el.remove();
  }
}

/** A short line that is all link: navigation, "more from", related headlines. */
function isLinkLine(l: Line): boolean {
  if (l.linkChars === 0) return false;
  const chars = nonSpaceLength(l.text);
  return chars > 0 && l.linkChars / chars >= 0.9 && l.text.split(' ').length <= 25;
}

function isTimeLine(l: Line): boolean {
  if (l.timeChars === 0) return false;
  const chars = nonSpaceLength(l.text);
  return chars > 0 && l.timeChars / chars >= 0.5;
}

// "More than n of them", each as one pattern anchored at the start that stops at the (n + 1)th: one call
// into the regular expression engine per line, not one per word (these rules run on every line of a page).

/** More than 8 tokens between share-bar separators. */
const OVER_8_TOKENS = /^[\s|·•,/]*(?:[^\s|·•,/]+[\s|·•,/]+){8}[^\s|·•,/]/;

const SOCIAL = /^(?:facebook|twitter|whatsapp|pinterest|pint|pin|linkedin|reddit|telegram|tumblr|email|e-mail|mail|print|messenger|sms|flipboard|copy|link|share|tweet|x|vk|line|baixar|download|save)$/i;

/** "Advertisement" as pages print it above ad slots, in the languages news pages are commonly written in. */
const AD_LABEL =
  /^(?:advertisement|advertisements|advert|ad|ads|sponsored|anzeige|werbung|publicidad|publicité|publicite|pubblicità|publicidade|reclame|advertentie|reklama|реклама|iklan|광고|广告|広告|إعلان)$/iu;

/** Characters of AD_LABEL's longest word ("advertisements"). */
const AD_LABEL_MAX = 14;
/** More letters and digits than AD_LABEL_MAX. */
const OVER_AD_LABEL_MAX = new RegExp(String.raw`^(?:[^\p{L}\p{N}]*[\p{L}\p{N}]){${AD_LABEL_MAX + 1}}`, 'u');
/** More than 12 words (runs between date separators that hold a letter or digit): the first letter of each, past a separator. */
const OVER_12_DATE_WORDS = /^[^\p{L}\p{N}]*(?:[\p{L}\p{N}][^\s,|:;/]*[\s,|:;/][^\p{L}\p{N}]*){12}[\p{L}\p{N}]/u;

const MONTH = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const DATE_TOKEN = new RegExp(String.raw`^(?:${MONTH}|\d{1,4}(?:st|nd|rd|th)?|\d{1,2}:\d{2}(?::\d{2})?|[ap]\.?m\.?|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|at|on|of|updated|published|posted|first|last|modified|gmt|utc|[ecmp][sd]t)$`, 'i');

/** A line that is a date or time stamp, possibly labelled ("First Published: Tuesday, November 19, 2019 08:38 AM"). */
function isDateLine(text: string): boolean {
  // Over 12 words is no date line; a long paragraph is told apart without splitting all of it.
  if (OVER_12_DATE_WORDS.test(text)) return false;
  const words = text.split(/[\s,|:;/]+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (!words.length) return false;
  const dateWords = words.filter((w) => DATE_TOKEN.test(w.replace(/[^\p{L}\p{N}:.]/gu, ''))).length;
  return dateWords / words.length >= 0.75 && /\d/.test(text);
}

/** "Posted on March 30, 2015 by Admin", "By A and B on Monday, November 18th, 2019 at 11:08 a.m." */
function isPostedLine(text: string): boolean {
  return /^(?:posted|published|updated|by)\b/i.test(text) && wordsAtMost(text, 20) && new RegExp(`\\b(?:${MONTH}|\\d{4})\\b`, 'i').test(text) && !/[.!?]["”’]?$/.test(text.replace(/\b[ap]\.m\.$/i, ''));
}

/**
 * Lines of page furniture recognisable from their text alone, whatever the markup:
 * share bars, ad labels, photo credits and captions with credits, "contributed to
 * this report" notes, citation and copyright notices, filing and tag lines.
 */
export function isFurnitureLine(text: string): boolean {
  const t = text.trim();
  if (!OVER_8_TOKENS.test(t)) {
    const tokens = t.split(/[\s|·•,/]+/).filter(Boolean);
    if (tokens.length && tokens.every((w) => SOCIAL.test(w.replace(/[^\p{L}-]/gu, '')))) return true;
  }
  // An ad label's letters and digits are at most AD_LABEL_MAX characters; most lines have more.
  if (!OVER_AD_LABEL_MAX.test(t) && AD_LABEL.test(t.replace(/[^\p{L}\p{N}]+/gu, ''))) return true;
  if (wordsAtMost(t, 4) && /\bcomments?\b/i.test(t)) return true;
  if (/^(?:\(?(?:image|photo|picture|credit|source|foto|bild)s?(?: credit)?\s*[:.…]|credit\.\.\.|\(image:)/i.test(t)) return true;
  if (t.endsWith(')') && wordsAtMost(t, 60) && /\((?:photos?|images?|pictured|credit)\b[^()]*\)$/i.test(t)) return true;
  if (/^(?:getty images|getty|ap photo|reuters|afp|shutterstock)$/i.test(t)) return true;
  if (wordsAtMost(t, 25) && /\bcontributed (?:to this report|reporting)\b/i.test(t)) return true;
  if (/^citation:/i.test(t) || /\bsubject to copyright\b|\ball rights reserved\b/i.test(t) || /^(?:©|copyright\b)/i.test(t)) return true;
  if (/^(?:filed under|posted in|tags?|tagged|categories|category)\s*:/i.test(t)) return true;
  if (wordsAtMost(t, 10) && /^(?:related|see also|also on|also read|read more|more)\s*:/i.test(t)) return true;
  if (/^(?:read more|read next|see more|show more|load more|more from [\p{L} ]+)$/iu.test(t)) return true;
  if (/^(?:[a-z0-9-]+\.)+(?:com|org|net|co\.uk|in|de|fr|br|ru)$/i.test(t)) return true;
  if (wordsAtMost(t, 10) && /\bshare (?:it|this)\b/i.test(t) && /[?!]/.test(t)) return true;
  if (isDateLine(t) || isPostedLine(t)) return true;
  return false;
}

/** The story's lines from the element Readability chose: furniture pruned, link, time and furniture lines dropped. */
function contentLines(content: Element): string {
  pruneFurniture(content);
  const lines = elementLines(content).filter((l) => !isLinkLine(l) && !isTimeLine(l) && !isFurnitureLine(l.text));
  return lines.map((l) => l.text).join('\n');
}

/** Whether the element's HTML would be empty (Readability's content string, '' when it found nothing). */
function serialisesEmpty(el: Element): boolean {
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType !== 3 || n.nodeValue) return false;
  return true;
}

function fallbackText(doc: Doc): string {
  const root = doc.querySelector('article') ?? doc.querySelector('main') ?? doc.body ?? doc.documentElement;
  if (!root) return '';
  return elementLines(root, (el) => /^(NAV|HEADER|FOOTER|ASIDE|FORM)$/i.test(el.tagName))
    .map((l) => l.text)
    .join('\n');
}

// ---------- metadata ----------

interface Meta {
  title?: string;
  documentTitle?: string;
  byline?: string;
  siteName?: string;
  publishedAt?: string;
  lang?: string;
}

/** A page's <meta> elements as name (property, name or itemprop, lowercased) and content, in page order. */
type Metas = { name: string; content: string }[];

function metaContent(metas: Metas, ...keys: string[]): string | undefined {
  for (const key of keys) {
    for (const m of metas) {
      if (m.name === key) {
        const v = clean(m.content);
        if (v) return v;
      }
    }
  }
  return undefined;
}

function jsonLd(scripts: Element[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      out.push(v as Record<string, unknown>);
      const graph = (v as Record<string, unknown>)['@graph'];
      if (graph) visit(graph);
    }
  };
  for (const s of scripts) {
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

/**
 * The elements metadata is read from, in page order, found in one query: each query compiles
 * its selector and walks the whole document, and four of them cost more than the rest of the metadata.
 */
function metadataElements(doc: Doc): { metas: Metas; scripts: Element[]; time?: Element; title?: Element } {
  const found: ReturnType<typeof metadataElements> = { metas: [], scripts: [] };
  for (const el of Array.from(doc.querySelectorAll('meta, script[type="application/ld+json"], time[datetime], title'))) {
    // Each name is matched by one selector of the list only; the name is the one the selectors compare (lowercased).
    const name = el.localName.toLowerCase();
    if (name === 'meta') {
      found.metas.push({
        name: (el.getAttribute('property') ?? el.getAttribute('name') ?? el.getAttribute('itemprop') ?? '').toLowerCase(),
        content: el.getAttribute('content') ?? '',
      });
    } else if (name === 'script') found.scripts.push(el);
    else if (name === 'time') found.time ??= el;
    else if (name === 'title') found.title ??= el;
  }
  return found;
}

function readMetadata(doc: Doc): Meta {
  const { metas, scripts, time: timeEl, title: titleEl } = metadataElements(doc);
  const ld = jsonLd(scripts);
  const article = ld.find((o) => typeof o.datePublished === 'string' || typeof o.headline === 'string');
  const title = metaContent(metas, 'og:title', 'twitter:title') ?? str(article?.headline);
  const lang = str(doc.documentElement?.getAttribute('lang')) ?? metaContent(metas, 'og:locale', 'content-language');
  return {
    title,
    documentTitle: str(titleEl?.textContent),
    // article:author is often a profile URL, not a name.
    byline: [metaContent(metas, 'author', 'byl', 'parsely-author'), ldAuthor(article?.author), metaContent(metas, 'article:author')].find(
      (v) => v && !/^https?:\/\//i.test(v),
    ),
    siteName: metaContent(metas, 'og:site_name', 'application-name') ?? str((article?.publisher as Record<string, unknown> | undefined)?.name),
    publishedAt:
      metaContent(metas, 'article:published_time', 'og:article:published_time', 'datepublished', 'date', 'pubdate', 'publishdate', 'dc.date.issued', 'dc.date') ??
      str(article?.datePublished) ??
      str(timeEl?.getAttribute('datetime')),
    lang,
  };
}
