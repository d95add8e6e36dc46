import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { safeFetch, type Fetcher } from '../src/articles/fetch.js';
import { buildBrief } from '../src/briefing/build.js';
import { backoffMs, createSourceManager, type SourceManager } from '../src/sources/manager.js';
import type { Store } from '../src/store/store.js';
import { capturingLogger } from './schedule-support.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempStore(): { store: Store; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-sources-'));
  const store = openSqliteStore(join(dir, 'briefbot.db'));
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, dir };
}

interface Item {
  title: string;
  link: string;
  date: string;
  body: string;
}

function rss(items: Item[]): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Example News</title><link>https://news.example/</link>${items
    .map((i) => `<item><title>${i.title}</title><link>${i.link}</link><pubDate>${new Date(i.date).toUTCString()}</pubDate><description>${i.body}</description></item>`)
    .join('')}</channel></rss>`;
}

/** A feed server on 127.0.0.1 with ETags; `status` forces an error answer. */
async function feedServer(initial: Item[]) {
  const state = { items: initial, status: 200, requests: [] as IncomingHttpHeaders[] };
  const server: Server = createServer((req, res) => {
    state.requests.push(req.headers);
    if (state.status !== 200) {
      res.writeHead(state.status).end('unavailable');
      return;
    }
    const body = rss(state.items);
    const etag = `"v${state.items.length}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`, state };
}

const localFetch: Fetcher = (url, o) => safeFetch(url, { ...o, allowPrivate: true });

function manager(store: Store, now: () => Date, extra: Partial<Parameters<typeof createSourceManager>[0]> = {}): SourceManager {
  const m = createSourceManager({ store, fetch: localFetch, now, log: capturingLogger(), intervalMs: 15 * 60_000, ...extra });
  cleanups.push(() => m.stop());
  return m;
}

const body = (what: string) =>
  `${what} was announced on Tuesday, officials said. The decision follows months of talks between the two sides. Critics said the plan did not go far enough.`;

describe('feed sources', () => {
  it("a new feed's back catalogue is never stored or briefed; later items are", async () => {
    const t = new Date('2026-03-02T12:00:00Z');
    const old: Item[] = [
      { title: 'Harbour bridge reopens after repairs', link: 'https://news.example/a', date: '2026-03-02T09:00:00Z', body: body('The harbour bridge reopening') },
      { title: 'City council approves cycle lanes', link: 'https://news.example/b', date: '2026-03-02T10:00:00Z', body: body('The cycle lane plan') },
      { title: 'Library extends opening hours', link: 'https://news.example/c', date: '2026-03-01T15:00:00Z', body: body('Longer library hours') },
    ];
    const feed = await feedServer(old);
    const { store } = tempStore();
    const m = manager(store, () => t);
    const added = await m.addSource(feed.url, 'slack:UADMIN');
    expect(added).toEqual({ ok: true, message: `Added ${feed.url}. Its 3 current items are marked as already seen; new items will be in briefs from now on.` });
    expect(await store.articles.count()).toBe(0);
    const window = { since: new Date('2026-03-01T12:00:00Z'), until: new Date('2026-03-02T13:00:00Z'), title: 'Morning brief' };
    expect(await buildBrief(store, window)).toBeNull();

    feed.state.items = [{ title: 'Ferry strike called off', link: 'https://news.example/d', date: '2026-03-02T11:30:00Z', body: body('The end of the ferry strike') }, ...old];
    expect(await m.pollFeedNow(feed.url)).toMatchObject({ status: 'ok', added: 1, primed: 0 });
    const brief = await buildBrief(store, window);
    expect(brief?.blocks.filter((b) => b.type === 'story').map((b) => (b as { title: string }).title)).toEqual(['Ferry strike called off']);
    expect(await store.sources.get(feed.url)).toMatchObject({ addedBy: 'slack:UADMIN', articles: 1, failures: 0, primed: true, etag: '"v4"' });
  });

  it('polls with a conditional GET and counts a 304 as success', async () => {
    const feed = await feedServer([{ title: 'One', link: 'https://news.example/1', date: '2026-03-02T09:00:00Z', body: body('One thing') }]);
    const { store } = tempStore();
    const m = manager(store, () => new Date('2026-03-02T12:00:00Z'));
    await m.addSource(feed.url, 'config');
    expect(await m.pollFeedNow(feed.url)).toEqual({ status: 'not-modified', added: 0, primed: 0 });
    expect(feed.state.requests.map((h) => h['if-none-match'])).toEqual([undefined, '"v1"']);
  });

  it('backs off exponentially after failures and recovers after a success', async () => {
    const feed = await feedServer([{ title: 'One', link: 'https://news.example/1', date: '2026-03-02T09:00:00Z', body: body('One thing') }]);
    const { store } = tempStore();
    let t = new Date('2026-03-02T12:00:00Z');
    const m = manager(store, () => t);
    await m.addSource(feed.url, 'config');
    feed.state.status = 503;
    const next = async () => (await store.sources.get(feed.url))!.nextPollAt;
    await m.pollFeedNow(feed.url);
    expect(await store.sources.get(feed.url)).toMatchObject({ failures: 1, lastError: 'http_503: HTTP 503 Service Unavailable', nextPollAt: '2026-03-02T12:30:00.000Z' });
    t = new Date('2026-03-02T12:30:00Z');
    await m.pollDue();
    expect([(await store.sources.get(feed.url))!.failures, await next()]).toEqual([2, '2026-03-02T13:30:00.000Z']);
    t = new Date('2026-03-02T13:00:00Z');
    await m.pollDue(); // not due yet: no request
    expect(feed.state.requests).toHaveLength(3);
    t = new Date('2026-03-02T13:30:00Z');
    feed.state.status = 200;
    await m.pollDue();
    expect(await store.sources.get(feed.url)).toMatchObject({ failures: 0, lastSuccessAt: '2026-03-02T13:30:00.000Z', nextPollAt: '2026-03-02T13:45:00.000Z', lastError: 'http_503: HTTP 503 Service Unavailable' });
    expect([1, 2, 3, 10, 20].map((f) => backoffMs(f, 15 * 60_000, 6 * 3600_000) / 60_000)).toEqual([30, 60, 120, 360, 360]);
  });

  it('refuses private addresses through the safe fetcher, and bad URLs', async () => {
    const feed = await feedServer([]);
    const { store } = tempStore();
    const m = createSourceManager({ store, now: () => new Date(), log: capturingLogger() });
    cleanups.push(() => m.stop());
    expect(await m.addSource(feed.url, 'slack:U1')).toEqual({ ok: false, message: `Could not add ${feed.url}: private_address: 127.0.0.1 is a private or loopback address; refused` });
    expect(await store.sources.list()).toEqual([]);
    expect(await m.addSource('ftp://example.com/x', 'slack:U1')).toEqual({ ok: false, message: 'Only http and https feeds can be added.' });
  });
});

describe('folder sources', () => {
  it('existing files are marked seen; new and changed files are ingested once', async () => {
    const { store, dir } = tempStore();
    const out = join(dir, 'scraped');
    mkdirSync(out);
    const write = (name: string, title: string, mtime: Date) => {
      writeFileSync(join(out, name), `---\ndate: 2026-03-02T10:00:00Z\nsource: Example Wire\n---\n${title}\n\n${body(title)}\n`);
      utimesSync(join(out, name), mtime, mtime);
    };
    write('old.txt', 'Old story from the archive', new Date('2026-03-01T00:00:00Z'));
    writeFileSync(join(out, 'notes.json'), '{}');
    const t = new Date('2026-03-02T12:00:00Z');
    const m = manager(store, () => t, { folders: [out], settleMs: 1_000, tickMs: 3_600_000, rescanMs: 3_600_000 });
    await m.start();
    expect(await store.articles.count()).toBe(0);
    expect(await store.sources.get(out)).toMatchObject({ kind: 'folder', primed: true, articles: 0 });

    write('new.txt', 'Water prices to rise in April', new Date('2026-03-02T11:00:00Z'));
    write('fresh.txt', 'Still being written', new Date('2026-03-02T11:59:59.500Z')); // inside the settle time
    await m.scanFolderNow(out);
    expect(await store.articles.count()).toBe(1);
    expect(await store.articles.get(1)).toMatchObject({ title: 'Water prices to rise in April', source: 'Example Wire' });
    await m.scanFolderNow(out); // nothing new: nothing read again
    expect(await store.sources.get(out)).toMatchObject({ articles: 1 });
  });

  it('fs.watch picks up a file dropped into the folder', async () => {
    const { store, dir } = tempStore();
    const out = join(dir, 'scraped');
    mkdirSync(out);
    const m = manager(store, () => new Date(), { folders: [out], settleMs: 0, tickMs: 3_600_000, rescanMs: 3_600_000 });
    await m.start();
    writeFileSync(join(out, 'drop.txt'), `Tram line extension approved\n\n${body('The tram extension')}\n`);
    await vi.waitFor(async () => expect(await store.articles.count()).toBe(1), { timeout: 5_000, interval: 50 });
    expect((await store.articles.get(1))?.title).toBe('Tram line extension approved');
  });
});
