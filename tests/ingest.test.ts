import { createServer, type Server } from 'node:http';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestInputs, readInputs } from '../src/articles/ingest.js';
import { isPrivateAddress, safeFetch } from '../src/articles/fetch.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { Store } from '../src/store/store.js';
import { FIXTURE_ARTICLE, SHARED } from './helpers/fixture-core.js';

const FEEDS = join(SHARED, 'fixtures/feeds');
let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'briefbot-ingest-'));
  store = openSqliteStore(join(dir, 'db', 'briefbot.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe('ingest', () => {
  it('stores the fixture with its metadata and skips it the second time', async () => {
    const first = await ingestInputs(store, [FIXTURE_ARTICLE]);
    expect(first).toMatchObject({ added: 1, duplicates: 0, errors: 0 });
    const article = (await store.articles.get((first.results[0] as { id: number }).id))!;
    expect(article.title).toMatch(/^Malaysia and Kenya agreed/);
    expect(article.source).toBe('malaysia-kenya-strategic-partnership.txt');
    expect(article.url).toMatch(/^file:\/\/.*malaysia-kenya-strategic-partnership\.txt$/);
    expect(article.publishedAtSource).toBe('file-mtime');
    expect(article.language).toBe('en');
    expect(article.body.endsWith('open new markets for Kenyan farmers.')).toBe(true);
    const again = await ingestInputs(store, [FIXTURE_ARTICLE]);
    expect(again.results).toEqual([expect.objectContaining({ status: 'duplicate', reason: 'url' })]);
    // The same story under another name is a duplicate by its cleaned body.
    const copy = join(dir, 'copy.txt');
    copyFileSync(FIXTURE_ARTICLE, copy);
    expect((await ingestInputs(store, [copy])).results).toEqual([expect.objectContaining({ status: 'duplicate', reason: 'body' })]);
    expect(await store.articles.count()).toBe(1);
  });

  it('reads every real feed fixture, one article per item, with feed dates and sources', async () => {
    // Offline: the headline-only items are refused as before (tests/linked-articles.test.ts fetches them from a local server).
    const report = await ingestInputs(store, [FEEDS], { fetchLinks: false });
    const bad = report.results.filter((r) => r.status === 'error');
    expect(bad.filter((r) => !/no story text|holds no text/.test((r as { error: string }).error))).toEqual([]);
    expect(report.added).toBeGreaterThan(120);
    const guardian = (await store.articles.inWindow(new Date(0), new Date('2100-01-01'))).filter((a) => a.source === 'The Guardian');
    expect(guardian.length).toBeGreaterThan(40);
    expect(guardian.every((a) => a.publishedAtSource === 'feed' && a.url?.startsWith('https://www.theguardian.com/'))).toBe(true);
  });

  it('decodes declared legacy encodings in feeds', async () => {
    const items = [];
    // Offline: the items are read as the files hold them, links not fetched.
    for await (const r of readInputs([join(FEEDS, "latin2.rss"), join(FEEDS, "encoding-gb2312.xml"), join(FEEDS, "uolNoticias.rss")], { fetchLinks: false })) items.push(r);
    const titles = items.map((r) => ('article' in r ? r.article.title : ''));
    expect(titles).toContain('ZAŻÓŁĆ GĘSLĄ JAŹŃ');
    expect(titles).toContain('习近平为何如此强调崇尚英雄？');
    expect(titles.some((t) => t.includes('Bolsonaro perde de Haddad'))).toBe(true);
  });

  it('reads HTML pages with main-text extraction: the story starts where a person marked it', async () => {
    const truth = readFileSync(join(SHARED, 'eval/extraction/truth.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; body: string }).slice(0, 5);
    for (const t of truth) {
      for await (const r of readInputs([join(SHARED, 'eval/extraction/pages', `${t.id}.html`)])) {
        if ('error' in r) throw r.error;
        const paragraphs = t.body.split('\n').map((l) => l.trim()).filter((l) => l && !/(?:\.{3}|…)$/.test(l));
        const lines = r.article.body.split('\n');
        expect(lines.slice(0, 3)).toContain(paragraphs[0]);
        expect(lines).toContain(paragraphs.at(-1));
        expect(r.article.publishedAtSource).toMatch(/page|file-mtime/);
      }
    }
  });

  it('gives every bad input its own one-line error and keeps everything good', async () => {
    await ingestInputs(store, [FIXTURE_ARTICLE]);
    const windows1252 = file('cafe.txt', iconv.encode('Café prices rise\nThe café owners said prices rose 5% in a year, citing the cost of coffee.', 'windows-1252'));
    const inputs = [
      file('empty.txt', ''),
      file('binary.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])),
      file('big.txt', `Big\n${'word '.repeat(300_000)}`),
      file('broken.xml', '<?xml version="1.0"?><rss><channel><title>x</title><item><title>a</item></channel></rss>'),
      join(dir, 'missing.txt'),
      windows1252,
      file('good.html', '<html><head><title>Port reopens</title></head><body><article><h1>Port reopens</h1><p>The port of Mombasa reopened on Monday after a two-day strike by dock workers ended with a pay deal.</p><p>Shipping lines said delays would clear within a week.</p></article></body></html>'),
    ];
    const report = await ingestInputs(store, inputs, { maxBytes: 1024 * 1024 });
    const byName = Object.fromEntries(report.results.map((r) => [r.input.split('/').pop(), r]));
    expect(byName['empty.txt']).toMatchObject({ status: 'error', code: 'empty' });
    expect(byName['binary.txt']).toMatchObject({ status: 'error', code: 'binary' });
    expect(byName['big.txt']).toMatchObject({ status: 'error', code: 'too_large' });
    expect(byName['broken.xml']).toMatchObject({ status: 'error', code: 'malformed_xml' });
    expect((byName['broken.xml'] as { error: string }).error).toMatch(/line 1/);
    expect(byName['missing.txt']).toMatchObject({ status: 'error', code: 'not_found' });
    expect(byName['cafe.txt']).toMatchObject({ status: 'added', title: 'Café prices rise' });
    expect(byName['good.html']).toMatchObject({ status: 'added' });
    expect(report.errors).toBe(5);
    expect(await store.articles.count()).toBe(3);
    const cafe = (await store.articles.get((byName['cafe.txt'] as { id: number }).id))!;
    expect(cafe.body).toContain('The café owners');
  });

  it('walks folders recursively and skips hidden files', async () => {
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    copyFileSync(FIXTURE_ARTICLE, join(dir, 'a/b/story.txt'));
    writeFileSync(join(dir, 'a/.hidden.txt'), 'Hidden\nShould not be read at all by the ingest walker.');
    const report = await ingestInputs(store, [join(dir, 'a')]);
    expect(report.results.map((r) => r.input.split('/').slice(-2).join('/'))).toEqual(['b/story.txt']);
  });
});

describe('ingest from URLs', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/article.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<html lang="en"><head><title>Rains return</title><meta property="og:site_name" content="Local Wire"><meta property="article:published_time" content="2026-11-20T10:00:00Z"></head><body><article><h1>Rains return</h1><p>Rains returned to the region on Tuesday after a six-month drought, the weather service said.</p><p>Farmers welcomed the change.</p></article></body></html>');
      } else if (url === '/feed.xml') {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end('<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>One</title><link>https://example.com/1</link><description>First story text that is long enough to keep, and long enough that no one would call it a teaser of a story.</description><pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate></item></channel></rss>');
      } else if (url === '/loop') {
        res.writeHead(302, { location: '/loop2' }).end();
      } else if (url === '/loop2') {
        res.writeHead(302, { location: '/loop' }).end();
      } else if (url === '/to-private') {
        res.writeHead(302, { location: 'http://127.0.0.1:9/secret' }).end();
      } else if (url === '/huge') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(200_000));
      } else if (url === '/500') {
        res.writeHead(500).end('boom');
      } else res.writeHead(404).end('nope');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('reads pages and feeds over HTTP with their metadata', async () => {
    const report = await ingestInputs(store, [`${base}/article.html`, `${base}/feed.xml`], { allowPrivate: true });
    expect(report).toMatchObject({ added: 2, errors: 0 });
    const [page, item] = await Promise.all(report.results.map(async (r) => (await store.articles.get((r as { id: number }).id))!));
    expect(page).toMatchObject({ title: 'Rains return', source: 'Local Wire', publishedAt: '2026-11-20T10:00:00.000Z', publishedAtSource: 'page', language: 'en', url: `${base}/article.html` });
    expect(item).toMatchObject({ title: 'One', source: 'Wire', url: 'https://example.com/1', publishedAt: '2026-12-01T08:00:00.000Z', publishedAtSource: 'feed' });
  });

  it('explains HTTP errors, redirect loops, oversized pages and unreachable hosts', async () => {
    const report = await ingestInputs(store, [`${base}/missing`, `${base}/500`, `${base}/loop`, `${base}/huge`, 'http://no-such-host.invalid/x'], { allowPrivate: true, maxBytes: 100_000 });
    expect(report.results.map((r) => (r.status === 'error' ? r.code : r.status))).toEqual(['http_404', 'http_500', 'redirect_loop', 'too_large', 'unreachable']);
    expect(report.results.map((r) => (r as { error: string }).error)).toEqual([
      'HTTP 404 Not Found',
      'HTTP 500 Internal Server Error',
      `redirect loop at ${base}/loop`,
      'larger than the 0.1 MB limit',
      'host no-such-host.invalid not found',
    ]);
  });

  it('refuses private, loopback and link-local addresses unless allowed, also behind redirects and DNS', async () => {
    await expect(safeFetch(`${base}/article.html`)).rejects.toMatchObject({ code: 'private_address' });
    await expect(safeFetch('http://localhost:1/')).rejects.toMatchObject({ code: 'private_address' });
    await expect(safeFetch('http://169.254.169.254/latest/meta-data/')).rejects.toMatchObject({ code: 'private_address' });
    await expect(safeFetch('http://[::1]/')).rejects.toMatchObject({ code: 'private_address' });
    await expect(safeFetch('http://10.0.0.1/')).rejects.toMatchObject({ code: 'private_address' });
    // A public-looking name that resolves to loopback is caught at connect time (tests/url-safety.test.ts covers redirects).
    const toLoopback = async () => [{ address: '127.0.0.1', family: 4 }];
    await expect(safeFetch(`http://localtest.me:${new URL(base).port}/article.html`, { resolve: toLoopback })).rejects.toMatchObject({ code: 'private_address' });
    await expect(safeFetch('file:///etc/passwd')).rejects.toMatchObject({ code: 'bad_url' });
    const viaRedirect = await ingestInputs(store, [`${base}/to-private`], { allowPrivate: false });
    expect(viaRedirect.results[0]).toMatchObject({ status: 'error', code: 'private_address' });
    expect(isPrivateAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isPrivateAddress('100.64.0.1')).toBe(true);
    expect(isPrivateAddress('93.184.216.34')).toBe(false);
  });
});
