import { readFileSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractHtml, isFurnitureLine } from '../src/articles/html.js';
import { decodeText } from '../src/articles/decode.js';

const pagesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/eval/extraction/pages');

/** A benchmark page by the start of its id (the pages are read in place, never copied here). */
function page(prefix: string): string {
  const file = readdirSync(pagesDir).find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`no page ${prefix}`);
  return decodeText(readFileSync(resolve(pagesDir, file)));
}

const lines = (body: string) => body.split('\n');

describe('extractHtml on real news pages', () => {
  it('CBS Sports: the story from its first to its last paragraph, and the page metadata', () => {
    const r = extractHtml(page('08f79376'), 'https://www.cbssports.com/nfl/news/x');
    const body = lines(r.body);
    expect(body).toHaveLength(8);
    expect(body[0]).toBe(
      "The Steelers spent Monday trying to distance themselves from Thursday night's fight that led to multi-game suspensions for Browns pass rusher Myles Garrett and Pittsburgh center Maurkice Pouncey. Cleveland DL Larry Ogunjobi also received a one-game suspension for shoving Pittsburgh quarterback Mason Rudolph to the ground, and both teams received $250,000 fines.",
    );
    expect(body.at(-1)).toMatch(/^"I like the fact that we lost to them, .* so our focus has got to be on Cincinnati right now\."$/);
    expect(r).toMatchObject({
      title: "Browns player on Mason Rudolph's role in fight with Myles Garrett: He asked for it",
      byline: 'Bryan DeArdo',
      siteName: 'CBSSports.com',
      publishedAt: '2019-11-19 02:24:00',
      lang: 'en',
    });
  });

  it('phys.org: leaves out figure captions and the citation and copyright notices', () => {
    const r = extractHtml(page('e1c7023e'));
    const body = lines(r.body);
    expect(body[0]).toMatch(/^If a sci-fi spaceship does not come with hyperdrive then it is usually fitted with hibernation capsules instead\./);
    expect(body.at(-1)).toBe(
      'More information: G. Petit et al. Hibernation and Torpor: Prospects for Human Spaceflight, Handbook of Life Support Systems for Spacecraft and Extraterrestrial Habitats (2018). DOI: 10.1007/978-3-319-09575-2_199-1',
    );
    expect(r.body).not.toMatch(/Credit: ESA|Citation:|subject to copyright|Functional areas of the hibernation module/);
    expect(r).toMatchObject({ title: 'Hibernating astronauts would need smaller spacecraft', siteName: 'Phys.org', publishedAt: '2019-11-18T08:55:39-05:00' });
  });

  it('keeps the word boundary a link makes in Japanese text, and reads lang and JSON-LD date', () => {
    const r = extractHtml(page('f105de6e'));
    const body = lines(r.body);
    expect(body[1]).toBe('そんな用途を考慮してか、Kindleや楽天koboにはデスクトップアプリが用意されています。今回はそのKindleデスクトップアプリ Kindle for PC に関する話。');
    expect(body.at(-1)).toBe('これでようやく元の操作性を取り戻せました。');
    expect(r.lang).toBe('ja');
    expect(r.publishedAt).toBe('2018-08-16T10:29:20Z');
  });

  it('CBS Detroit: drops the date stamp and comment counter around the story', () => {
    const r = extractHtml(page('c467d507'));
    expect(lines(r.body)[0]).toBe('ST. JOSEPH, Mich. (AP) — Michigan health authorities are reporting a 6th fatality linked to Eastern Equine Encephalitis.');
    expect(r.body).not.toMatch(/^(?:November 19, 2019 at 9:45 am|Comments)$/m);
    // article:author is a profile URL there; a URL is not a byline.
    expect(r.byline).not.toMatch(/^https?:/);
  });
});

describe('extractHtml on small and malformed input', () => {
  it('reads metadata from meta tags, JSON-LD and <html lang>, and keeps list items and headings as lines', () => {
    const story = 'The council approved the budget on Tuesday after a long debate about schools and roads. '.repeat(8);
    const html = `<!doctype html><html lang="de"><head><title>Budget passes | Example News</title>
      <meta property="og:site_name" content="Example News">
      <script type="application/ld+json">{"@type":"NewsArticle","headline":"Budget passes","datePublished":"2024-03-05T09:00:00Z","author":[{"name":"Ann Lee"},{"name":"Bo Chan"}]}</script>
      </head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
      <article><h2>What changes</h2><p>${story}</p><ul><li>More teachers for schools</li><li>Two new bridges</li></ul>
      <figure><img src="x.jpg"><figcaption>The council chamber. (Photo by A. Person)</figcaption></figure>
      <p>${story}</p><p>Share</p><p>Facebook Twitter Email</p></article></body></html>`;
    const r = extractHtml(html, 'https://www.example.com/a');
    expect(r).toMatchObject({ title: 'Budget passes', byline: 'Ann Lee, Bo Chan', siteName: 'Example News', publishedAt: '2024-03-05T09:00:00Z', lang: 'de' });
    expect(lines(r.body)).toEqual(['What changes', story.trim(), 'More teachers for schools', 'Two new bridges', story.trim()]);
  });

  it('survives unclosed and misnested tags, entities and <br> paragraphs', () => {
    const r = extractHtml('<div><p>Fish &amp; chips<br>cost&nbsp;£5 <b>now<i> and</b> then</i><p>Second</span> line</div></div>');
    expect(lines(r.body)).toEqual(['Fish & chips', 'cost £5 now and then', 'Second line']);
  });

  it('falls back to the page text when Readability finds no article, and never throws on junk', () => {
    expect(extractHtml('').body).toBe('');
    expect(extractHtml('just some words').body).toBe('just some words');
    expect(extractHtml('<html><body><nav>Menu</nav><main><p>Short note.</p></main><footer>©</footer></body></html>').body).toBe('Short note.');
    expect(extractHtml('<<<>>> </p></div><script>alert(1)</script>').body).not.toContain('alert');
  });

  it('recognises furniture lines by their text alone', () => {
    for (const line of ['Whatsapp Facebook Pint Baixar', 'Advertisement', 'Getty Images', '(Image: © Shutterstock)', 'Jane Doe contributed to this report.', 'November 19, 2019 at 9:45 am', 'Filed under: Politics |', 'Posted on March 30, 2015 by Admin']) {
      expect(isFurnitureLine(line), line).toBe(true);
    }
    for (const line of ['Module efficiency', 'BAAR, SWITZERLAND', 'The share price fell 5% on Monday, November 18.', 'Prices rose in 2019.']) {
      expect(isFurnitureLine(line), line).toBe(false);
    }
  });
});
