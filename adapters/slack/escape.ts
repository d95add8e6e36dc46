/**
 * Everything that turns untrusted text into Slack markup lives here, so there is
 * one place to audit. Slack parses `<...>` sequences as links and mentions
 * (`<!channel>`, `<@U123>`, `<!subteam^S1>`), and some clients still treat a bare
 * `@here` as a broadcast: article text must never reach Slack able to do either.
 */

/** Zero-width joiner: invisible, but stops Slack from reading `@here` as a mention. */
const ZWJ = '\u200D';

const MAX_URL = 1000;

// No word boundary: "@everyoneNow" is broken too, so no client's idea of where a mention ends matters.
const BROADCAST_WORDS = /@(here|channel|everyone)/gi;

/** Breaks `@here`, `@channel`, `@everyone` without changing what a reader sees. */
export function neutraliseBroadcasts(text: string): string {
  return text.replace(BROADCAST_WORDS, `@${ZWJ}$1`);
}

/** Zero-width space: mrkdwn has no escape for its formatting marks, but one after a mark stops Slack pairing it. */
const ZWSP = '\u200B';

/**
 * Escapes text for a `mrkdwn` text object or the top-level `text` field. Besides `<`, `>`
 * and `&`, the formatting marks (`*`, `_`, `~`, backtick) of the text are kept from
 * pairing with each other or with the bold the renderer wraps a title in.
 */
export function escapeMrkdwn(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/[*_~`]/g, `$&${ZWSP}`);
  return neutraliseBroadcasts(escaped);
}

/**
 * `plain_text` objects (headers, buttons) are not parsed for links or mentions,
 * but their raw bytes still travel in notifications and logs. Breaking the
 * control sequences there too means no payload of ours ever carries `<!channel>`.
 */
export function safePlainText(text: string): string {
  return neutraliseBroadcasts(text.replace(/<([!@#])/g, `<${ZWJ}$1`));
}

/**
 * A URL fit to sit inside `<url|label>`: http(s) only, re-serialised by the WHATWG
 * parser (which percent-encodes `<`, `>`, spaces and quotes in most parts), then
 * `|`, `<`, `>` percent-encoded wherever the parser left them and `&` escaped as
 * Slack expects. Anything else (javascript:, mailto:, junk) yields undefined and the
 * label is shown unlinked.
 */
export function safeUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // A link longer than this would crowd the text out of a 3,000-character section.
  if (url.href.length > MAX_URL) return undefined;
  return url.href
    .replace(/\|/g, '%7C')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E')
    .replace(/&/g, '&amp;');
}

/** `<url|label>` with both parts made safe, or the escaped label alone when the URL is unusable. */
export function mrkdwnLink(label: string, url: string | undefined): string {
  const safe = safeUrl(url);
  const text = escapeMrkdwn(label.replace(/[\r\n]+/g, ' '));
  return safe ? `<${safe}|${text}>` : text;
}
