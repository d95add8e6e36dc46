/**
 * HTML for the preview page. Everything drawn comes from articles (untrusted) or from
 * platform markup built from them, so every piece of text passes through escapeHtml,
 * and links only ever carry http(s) URLs.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** An href for an anchor: absolute http(s) only, escaped for an attribute; undefined otherwise. */
export function safeHref(raw: string): string | undefined {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? escapeHtml(u.href) : undefined;
  } catch {
    return undefined;
  }
}

export function link(href: string, labelHtml: string): string {
  const safe = safeHref(href);
  return safe ? `<a href="${safe}" target="_blank" rel="noopener noreferrer nofollow">${labelHtml}</a>` : labelHtml;
}

/**
 * Turns inline markup into HTML in three steps that keep untrusted text inert: the
 * caller's `tokens` swap markup for control-character placeholders holding finished
 * HTML, the remaining text is escaped, then the placeholders are put back.
 */
export class Placeholders {
  private readonly parts: string[] = [];
  /** Control characters never reach the page from content: they are removed first. */
  static clean(text: string): string {
    // eslint-disable-next-line no-control-regex
    return text.replace(/[\u0000-\u0008\u000e-\u001f]/g, '');
  }
  hold(html: string): string {
    this.parts.push(html);
    return `\u0001${this.parts.length - 1}\u0002`;
  }
  restore(escaped: string): string {
    // Nested placeholders (a link inside bold) are restored from the inside out.
    let out = escaped;
    for (let i = 0; i < 4 && out.includes('\u0001'); i++) out = out.replace(/\u0001(\d+)\u0002/g, (_, n: string) => this.parts[Number(n)]);
    return out;
  }
}

export function count(n: number): string {
  return n.toLocaleString('en-GB');
}
