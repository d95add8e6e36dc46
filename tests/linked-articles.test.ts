import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestInputs } from '../src/articles/ingest.js';
import { isTeaser } from '../src/articles/linked.js';
import { retryAfter, safeFetch, type Fetcher } from '../src/articles/fetch.js';
import { pollFeed } from '../src/sources/feed.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { Store } from '../src/store/store.js';

// The fetcher refuses loopback by design; tests reach their local server the way ingest tests do, with allowPrivate.
let server: Server;
let base: string;
let dir: string;
let inFlight = 0;
let maxInFlight = 0;
const busyHits: number[] = [];
let feedItems: string[] = [];

const page = (title: string, paragraphs: string[]) =>
  `<!doctype html><html lang="en"><head><title>${title}</title></head><body><nav>Home | World | Sport</nav><article><h1>${title}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('')}</article><footer>© Local Wire</footer></body></html>`;
const story = (what: string) => [
  `${what} on Tuesday after weeks of talks between the city council and the operators, officials said.`,
  'The council said the agreement would hold for at least two years and that fares would not rise before the spring.',
  'Passenger groups welcomed the decision but said they would watch closely how the service runs over the winter.',
];
const PAGES: Record<string, string[]> = {
  '/story/1': story('The harbour bridge reopened to traffic'),
  '/story/2': story('The night ferry service resumed'),
  '/story/3': story('The tram line extension was approved'),
  '/story/4': story('The cycle hire scheme was expanded to the suburbs'),
  '/busy': story('The central library reopened its reading rooms'),
  '/new': story('The river footbridge was named after a local nurse'),
};
const item = (title: string, path: string, description?: string) =>
  `<item><title>${title}</title><link>${base}${path}</link>${description ? `<description>${description}</description>` : ''}<pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate></item>`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'briefbot-linked-'));
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/news.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title>${feedItems.join('')}</channel></rss>`);
      return;
    }
    if (url === '/busy') {
      busyHits.push(Date.now());
      if (busyHits.length === 1) {
        res.writeHead(429, { 'retry-after': '1' }).end('slow down');
        return;
      }
    }
    const paragraphs = PAGES[url];
    if (!paragraphs) {
      res.writeHead(404).end('nope');
      return;
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // Held open a while, so that requests the client sends together overlap here.
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(url, paragraphs));
    }, 150);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function withStore<T>(name: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openSqliteStore(join(dir, `${name}.db`));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('headline-only and teaser feed items', () => {
  it('fetches the linked story, at most 2 at a time per host, waits out Retry-After, and falls back to the feed text', async () => {
    feedItems = [
      item('Harbour bridge reopens', '/story/1'),
      item('Night ferry back', '/story/2'),
      item('Tram extension approved', '/story/3'),
      item('Cycle hire grows', '/story/4', 'The cycle hire scheme is coming to the suburbs…'),
      item('Library reopens', '/busy'),
      item('Council meets on budget', '/gone', 'Councillors met on Tuesday to discuss next year&apos;s budget, with cuts to parks and libraries on the table and a vote due next week…'),
      item('Museum closes', '/gone2'),
    ];
    await withStore('ingest', async (store) => {
      const report = await ingestInputs(store, [`${base}/news.xml`], { allowPrivate: true });
      expect(report.results.map((r) => (r.status === 'error' ? `${r.code}: ${r.error}` : `${r.status}: ${r.title}`))).toEqual([
        'added: Harbour bridge reopens',
        'added: Night ferry back',
        'added: Tram extension approved',
        'added: Cycle hire grows',
        'added: Library reopens',
        'added: Council meets on budget',
        'no_body: "Museum closes" has a headline but no story text, and its link could not be read (HTTP 404 Not Found)',
      ]);
      const stored = await store.articles.inWindow(new Date(0), new Date('2100-01-01'));
      const body = (title: string) => stored.find((a) => a.title === title)!.body;
      expect(body('Harbour bridge reopens')).toBe(PAGES['/story/1'].join('\n'));
      expect(body('Cycle hire grows')).toBe(PAGES['/story/4'].join('\n'));
      expect(body('Library reopens')).toBe(PAGES['/busy'].join('\n'));
      expect(body('Council meets on budget')).toBe("Councillors met on Tuesday to discuss next year's budget, with cuts to parks and libraries on the table and a vote due next week…");
      // The feed's headline, source, link and date stay the item's.
      expect(stored.find((a) => a.title === 'Harbour bridge reopens')).toMatchObject({ source: 'Local Wire', url: `${base}/story/1`, publishedAt: '2026-12-01T08:00:00.000Z', publishedAtSource: 'feed', language: 'en' });
    });
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(busyHits).toHaveLength(2);
    expect(busyHits[1] - busyHits[0]).toBeGreaterThanOrEqual(950);
  });

  it('a polled feed fetches the stories of its new headline-only items only', async () => {
    await withStore('poll', async (store) => {
      const fetch: Fetcher = (url, o) => safeFetch(url, { ...o, allowPrivate: true });
      const requested: string[] = [];
      const counting: Fetcher = (url, o) => (requested.push(new URL(url).pathname), fetch(url, o));
      const now = () => new Date('2026-12-01T09:00:00Z');
      const source = { url: `${base}/news.xml`, primed: false } as Parameters<typeof pollFeed>[1];
      feedItems = [item('Harbour bridge reopens', '/story/1')];
      expect(await pollFeed({ store, fetch: counting, allowPrivate: true, now }, source)).toMatchObject({ status: 'ok', added: 0, primed: 1 });
      feedItems = [item('Footbridge named', '/new'), item('Harbour bridge reopens', '/story/1')];
      expect(await pollFeed({ store, fetch: counting, allowPrivate: true, now }, { ...source, primed: true })).toMatchObject({ status: 'ok', added: 1, primed: 0 });
      expect(requested).toEqual(['/news.xml', '/news.xml', '/new']);
      const [a] = await store.articles.inWindow(new Date(0), new Date('2100-01-01'));
      expect(a).toMatchObject({ title: 'Footbridge named', body: PAGES['/new'].join('\n') });
    });
  });

  it('tells a teaser from a story, and reads Retry-After in seconds or as a date', () => {
    expect(isTeaser('')).toBe(true);
    expect(isTeaser('Por Matt Spetalnick e Jason Szep')).toBe(true);
    expect(isTeaser(`${'The council met on Tuesday to agree the budget. '.repeat(3)}Continue reading...`)).toBe(true);
    expect(isTeaser(PAGES['/story/1'].join('\n'))).toBe(false);
    expect(retryAfter('120')).toBe(120_000);
    expect(retryAfter('Tue, 01 Dec 2026 08:00:30 GMT', Date.parse('2026-12-01T08:00:00Z'))).toBe(30_000);
    expect(retryAfter('soon')).toBeUndefined();
  });
});
