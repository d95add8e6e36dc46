/**
 * Caps how deeply an HTML page's elements nest, before any DOM is built.
 *
 * Readability and linkedom walk ancestors and subtrees for every element, so their
 * cost grows with the cube of the nesting depth (1,000 nested <div>s took 7 s,
 * 5,000 did not finish in two minutes) and recursive walks overflow the stack past
 * about 10,000 levels. Real news pages nest 20 to 60 deep. Tags past the cap are
 * dropped (their text is kept, so nothing of the story is lost); a block tag becomes
 * a line break so paragraphs stay apart.
 *
 * This is a scan of tags, not a parser: it only needs to count depth well enough that
 * no real page reaches the cap and no hostile page gets past it. It knows the void
 * elements, raw-text elements (script, style…), comments, and the end tags HTML lets
 * pages omit (a <p> or <li> closes the one before it).
 */

export const MAX_HTML_DEPTH = 96;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'keygen', 'frame', 'basefont', 'bgsound']);
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
/** Start tags that close an open element of the same group (their end tags are optional). */
const SELF_CLOSING_GROUP: Record<string, string[]> = {
  p: ['p'],
  li: ['li'],
  dt: ['dt', 'dd'],
  dd: ['dt', 'dd'],
  option: ['option'],
  tr: ['tr', 'td', 'th'],
  td: ['td', 'th'],
  th: ['td', 'th'],
};
const BLOCK = /^(?:address|article|aside|blockquote|dd|details|div|dl|dt|fieldset|figcaption|figure|footer|form|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|summary|table|tbody|thead|tfoot|tr|ul|caption)$/;

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:[^>"']|"[^"]*"|'[^']*')*>|<!--[\s\S]*?(?:-->|$)|<![^>]*>|<\?[^>]*>/g;

/** The page with elements nested deeper than `max` unwrapped; the same string when none are. */
export function capHtmlDepth(html: string, max = MAX_HTML_DEPTH): string {
  /** Names of the open elements that were kept, outermost first (never more than `max`). */
  const stack: string[] = [];
  /** Start tags dropped past the cap and not yet closed, by name: their end tags are dropped too. */
  const droppedOpen = new Map<string, number>();
  let dropped = 0;
  const out: string[] = [];
  let last = 0;
  /** Whether the output so far ends in the separator of a dropped tag. */
  let separated = false;
  const drop = (start: number, end: number, name: string) => {
    const between = html.slice(last, start);
    // A run of dropped tags with nothing between them leaves one separator, not thousands of <br>s or spaces.
    if (/\S/.test(between)) {
      out.push(between, BLOCK.test(name) ? '<br>' : ' ');
      separated = true;
    } else if (!separated) {
      out.push(' ');
      separated = true;
    }
    last = end;
    dropped++;
  };
  TAG.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TAG.exec(html))) {
    const name = m[2]?.toLowerCase();
    if (!name) continue; // comment, doctype, processing instruction
    const start = m.index;
    const end = TAG.lastIndex;
    if (m[1]) {
      const open = droppedOpen.get(name);
      if (open) {
        droppedOpen.set(name, open - 1);
        drop(start, end, name);
        continue;
      }
      // An end tag closes the nearest open element of its name, and any left open inside it.
      const i = stack.lastIndexOf(name);
      if (i >= 0) stack.length = i;
      continue;
    }
    if (VOID.has(name) || m[0].endsWith('/>')) continue;
    const closes = SELF_CLOSING_GROUP[name];
    if (closes && closes.includes(stack[stack.length - 1])) stack.pop();
    if (RAW_TEXT.has(name)) {
      // What is inside is text, not markup, and holds no elements: skip past its end tag.
      const close = new RegExp(`</${name}\\s*>`, 'ig');
      close.lastIndex = end;
      TAG.lastIndex = close.exec(html) ? close.lastIndex : html.length;
      continue;
    }
    if (stack.length >= max) {
      droppedOpen.set(name, (droppedOpen.get(name) ?? 0) + 1);
      drop(start, end, name);
      continue;
    }
    stack.push(name);
  }
  if (dropped === 0) return html;
  out.push(html.slice(last));
  return out.join('');
}
