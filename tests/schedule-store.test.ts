import { afterEach, describe, expect, it } from 'vitest';
import { tempStores } from './schedule-support.js';

let env: ReturnType<typeof tempStores>;
afterEach(() => env?.cleanup());

const key = { brief: 'morning', slot: '2026-03-30T07:00:00.000Z', target: 'slack:C1' };
const t0 = new Date('2026-03-30T07:00:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe('sqlite schedule stores', () => {
  it('subscriptions: add, exists, disable, re-enable, remove', async () => {
    env = tempStores();
    const s = env.open();
    expect(await s.subscriptions.add({ brief: 'morning', target: 'slack:C1', subscribedBy: 'slack:U1', now: t0 })).toBe('added');
    expect(await s.subscriptions.add({ brief: 'morning', target: 'slack:C1', subscribedBy: 'slack:U2', now: t0 })).toBe('exists');
    await s.subscriptions.disable('morning', 'slack:C1', 'channel_not_found', at(5));
    expect(await s.subscriptions.list({ brief: 'morning' })).toEqual([
      {
        brief: 'morning',
        target: 'slack:C1',
        subscribedBy: 'slack:U1',
        createdAt: t0.toISOString(),
        disabledAt: at(5).toISOString(),
        disabledReason: 'channel_not_found',
      },
    ]);
    expect(await s.subscriptions.add({ brief: 'morning', target: 'slack:C1', subscribedBy: 'slack:U2', now: at(9) })).toBe('added');
    expect((await s.subscriptions.list({ target: 'slack:C1' }))[0]).toMatchObject({ subscribedBy: 'slack:U2', disabledAt: undefined });
    expect(await s.subscriptions.remove('morning', 'slack:C1')).toBe(true);
    expect(await s.subscriptions.remove('morning', 'slack:C1')).toBe(false);
    expect(await s.subscriptions.list()).toEqual([]);
  });

  it('ledger: one live claim per key across two connections; lease expiry hands over; done is final', async () => {
    env = tempStores();
    const a = env.open();
    const b = env.open();
    expect(await a.deliveries.claim(key, 'A', t0, 60_000)).toBe(true);
    expect(await b.deliveries.claim(key, 'B', at(30), 60_000)).toBe(false);
    expect(await a.deliveries.claim(key, 'A', at(30), 60_000)).toBe(true); // renewal counts an attempt
    expect(await b.deliveries.claim(key, 'B', at(100), 60_000)).toBe(true); // A's lease ran out at +90 s
    expect(await b.deliveries.get(key)).toMatchObject({ status: 'claimed', owner: 'B', attempts: 3 });
    await b.deliveries.complete(key, at(101));
    await a.deliveries.fail(key, 'late failure from a stale owner', true, at(102));
    expect(await a.deliveries.get(key)).toMatchObject({ status: 'delivered', attempts: 3, error: undefined });
    expect(await a.deliveries.claim(key, 'A', at(500), 60_000)).toBe(false);
  });

  it('ledger: retryable failure can be re-claimed, final failure cannot; skip never overrides', async () => {
    env = tempStores();
    const s = env.open();
    const k2 = { ...key, target: 'discord:2' };
    await s.deliveries.claim(key, 'A', t0, 60_000);
    await s.deliveries.fail(key, '429 rate limited', false, at(1));
    expect(await s.deliveries.claim(key, 'B', at(2), 60_000)).toBe(true);
    await s.deliveries.fail(key, 'channel_not_found', true, at(3));
    expect(await s.deliveries.claim(key, 'A', at(4), 60_000)).toBe(false);
    await s.deliveries.skip(key, 'outside grace', at(5));
    await s.deliveries.skip(k2, 'outside grace', at(5));
    expect((await s.deliveries.forSlot('morning', key.slot)).map((d) => [d.target, d.status, d.final, d.error])).toEqual([
      ['discord:2', 'skipped', true, 'outside grace'],
      ['slack:C1', 'failed', true, 'channel_not_found'],
    ]);
  });

  it('runs: first writer wins; previousRun finds the last built run', async () => {
    env = tempStores();
    const s = env.open();
    const first = await s.deliveries.recordRun({ brief: 'morning', slot: key.slot, status: 'built', message: '{"a":1}', targets: ['console'], late: false }, t0);
    const second = await s.deliveries.recordRun({ brief: 'morning', slot: key.slot, status: 'built', message: '{"b":2}', targets: ['x'], late: true }, at(1));
    expect(second).toEqual(first);
    expect(first).toMatchObject({ message: '{"a":1}', targets: ['console'], late: false });
    await s.deliveries.recordRun({ brief: 'morning', slot: '2026-03-29T07:00:00.000Z', status: 'skipped', targets: [], late: true }, t0);
    expect((await s.deliveries.previousRun('morning', '2026-03-31T07:00:00.000Z'))?.slot).toBe(key.slot);
    expect(await s.deliveries.previousRun('morning', key.slot)).toBeUndefined();
    expect((await s.deliveries.runsSince('morning', '2026-03-01T00:00:00.000Z')).map((r) => r.status)).toEqual(['skipped', 'built']);
  });

  it('sources and coordination', async () => {
    env = tempStores();
    const s = env.open();
    expect(await s.sources.upsert({ url: 'https://e.com/feed', kind: 'feed', addedBy: 'slack:U1', now: t0 })).toBe(true);
    expect(await s.sources.upsert({ url: 'https://e.com/feed', kind: 'feed' })).toBe(false);
    await s.sources.update('https://e.com/feed', { etag: '"v1"', failures: 2, primed: true, lastError: undefined });
    expect(await s.sources.get('https://e.com/feed')).toMatchObject({ addedBy: 'slack:U1', addedAt: t0.toISOString(), etag: '"v1"', failures: 2, primed: true, articles: 0 });
    expect(await s.sources.markSeen('https://e.com/feed', 'guid-1', 'x', t0)).toBe(true);
    expect(await s.sources.markSeen('https://e.com/feed', 'guid-1', 'x', t0)).toBe(false);
    expect(await s.sources.markSeen('https://e.com/feed', 'guid-1', 'y', t0)).toBe(true);
    expect(await s.sources.seen('https://e.com/feed', 'guid-1')).toBe('y');
    expect(await s.coordination.shouldRun('morning:2026', 60_000)).toBe(true);
    expect(await env.open().coordination.shouldRun('morning:2026', 60_000)).toBe(false);
    expect(await s.coordination.lastHeartbeat()).toBeUndefined();
    await s.coordination.heartbeat('A', t0);
    await s.coordination.heartbeat('B', at(10));
    expect(await s.coordination.lastHeartbeat()).toEqual(at(10));
  });
});
