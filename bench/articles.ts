import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus, recombine, rng, type FakeArticle } from './corpus.js';

/** Writes benchmark inputs in the formats briefbot ingests, from recombined real sentences. */

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function fakeArticles(n: number, seed: number): FakeArticle[] {
  const { filler } = loadCorpus();
  const r = rng(seed);
  return Array.from({ length: n }, () => recombine(filler, r, 15 + Math.floor(r() * 21)));
}

/** Dates spread evenly over the `hours` before `until`, newest first. */
export function spreadDates(n: number, until: Date, hours: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(until.getTime() - ((i + 0.5) * hours * 3_600_000) / n).toISOString());
}

/** Plain-text articles as a scraper saves them: front matter, headline, one paragraph per line. */
export function writeTextArticles(dir: string, articles: FakeArticle[], dates: string[]): void {
  mkdirSync(dir, { recursive: true });
  articles.forEach((a, i) => {
    const front = `---\nsource: Bench Wire\nurl: https://wire.example/text/${i}\ndate: ${dates[i]}\n---\n`;
    writeFileSync(join(dir, `${String(i).padStart(6, '0')}.txt`), `${front}${a.title}\n\n${a.paragraphs.map((p) => p.join(' ')).join('\n\n')}\n`);
  });
}

/** News pages with the furniture real pages have (navigation, share bar, related links, footer). */
export function writeHtmlArticles(dir: string, articles: FakeArticle[], dates: string[]): void {
  mkdirSync(dir, { recursive: true });
  const nav = ['World', 'Business', 'Politics', 'Science', 'Sport', 'Culture'].map((s) => `<li><a href="/${s.toLowerCase()}">${s}</a></li>`).join('');
  articles.forEach((a, i) => {
    const related = articles
      .slice(i + 1, i + 4)
      .map((b, j) => `<li><a href="/story/${i + j + 1}">${esc(b.title)}</a></li>`)
      .join('');
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(a.title)} | Bench Times</title>
<meta property="og:site_name" content="Bench Times"><meta property="article:published_time" content="${dates[i]}">
<link rel="canonical" href="https://times.example/story/${i}"><script>window.dataLayer=[];</script><style>body{font:16px serif}</style></head>
<body><header><a class="logo" href="/">Bench Times</a><nav><ul>${nav}</ul></nav></header>
<main><article><h1>${esc(a.title)}</h1><div class="byline">By Staff Reporter <time datetime="${dates[i]}">${dates[i].slice(0, 10)}</time></div>
<div class="share"><a href="#">Share</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
${a.paragraphs.map((p) => `<p>${esc(p.join(' '))}</p>`).join('\n')}
</article><aside class="related"><h2>Related stories</h2><ul>${related}</ul></aside></main>
<footer><p>© 2026 Bench Times. All rights reserved.</p><ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li></ul></footer></body></html>`;
    writeFileSync(join(dir, `${String(i).padStart(6, '0')}.html`), html);
  });
}

/** RSS 2.0 feeds of `perFeed` items, the full story in content:encoded as publishers send it. */
export function writeFeeds(dir: string, articles: FakeArticle[], dates: string[], perFeed = 50): void {
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f * perFeed < articles.length; f++) {
    const items = articles
      .slice(f * perFeed, (f + 1) * perFeed)
      .map((a, j) => {
        const i = f * perFeed + j;
        const body = a.paragraphs.map((p) => `<p>${esc(p.join(' '))}</p>`).join('');
        return `<item><title>${esc(a.title)}</title><link>https://feed.example/item/${i}</link><guid>https://feed.example/item/${i}</guid>
<pubDate>${new Date(dates[i]).toUTCString()}</pubDate><description>${esc(a.paragraphs[0].join(' '))}</description>
<content:encoded><![CDATA[${body}]]></content:encoded></item>`;
      })
      .join('\n');
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Bench Feed</title><link>https://feed.example/</link><language>en</language>
${items}
</channel></rss>`;
    writeFileSync(join(dir, `feed-${String(f).padStart(4, '0')}.xml`), xml);
  }
}
