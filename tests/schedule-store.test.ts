import { afterEach, describe, expect, it } from 'vitest';
import { tempStores } from './schedule-support.js';

let env: ReturnType<typeof tempStores>;
afterEach(() => env?.cleanup());

const key = { brief: 'morning', slot: '2026-03-30T07:00:00.000Z', target: 'slack:C1' };
const t0 = new Date('2026-03-30T07:00:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe('sqlite schedule stores', () => {
  it('subscriptions: add, exists, disable, re-enable, remove', () => {
    env = tempStores();
    const s = env.open();
    expect(s.subscriptions.add({ brief: 'morning', target: 'slack:C1', subscribedBy: 'slack:U1', now: t0 })).toBe('added');
    expect(s.subscriptions.add({ brief: 'morning', target: 'slack:C1', subscribedBy: 'slack:U2', now: t0 })).toBe('exists');
    s.subscriptions.disable('morning', 'slack:C1', 'channel_not_found', at(5));
    expect(s.subscriptions.list({ brief: 'morning' })).toEqual([
      {
        brief: 'morning',
        target: 'slack:C1',
        subscribedBy: 'slack:U1',
        createdAt: t0.toISOString(),
        disabledAt: at(5).toISOString(),
        disabledReason: 'channel_not_found',
      },
    ]);
    expect(s.subscriptions.add({ brief: 'morning', target: 'slack:C1', subscribedBy: 'slack:U2', now: at(9) })).toBe('added');
    expect(s.subscriptions.list({ target: 'slack:C1' })[0]).toMatchObject({ subscribedBy: 'slack:U2', disabledAt: undefined });
    expect(s.subscriptions.remove('morning', 'slack:C1')).toBe(true);
    expect(s.subscriptions.remove('morning', 'slack:C1')).toBe(false);
    expect(s.subscriptions.list()).toEqual([]);
  });

  it('ledger: one live claim per key across two connections; lease expiry hands over; done is final', () => {
    env = tempStores();
    const a = env.open();
    const b = env.open();
    expect(a.deliveries.claim(key, 'A', t0, 60_000)).toBe(true);
    expect(b.deliveries.claim(key, 'B', at(30), 60_000)).toBe(false);
    expect(a.deliveries.claim(key, 'A', at(30), 60_000)).toBe(true); // renewal counts an attempt
    expect(b.deliveries.claim(key, 'B', at(100), 60_000)).toBe(true); // A's lease ran out at +90 s
    expect(b.deliveries.get(key)).toMatchObject({ status: 'claimed', owner: 'B', attempts: 3 });
    b.deliveries.complete(key, at(101));
    a.deliveries.fail(key, 'late failure from a stale owner', true, at(102));
    expect(a.deliveries.get(key)).toMatchObject({ status: 'delivered', attempts: 3, error: undefined });
    expect(a.deliveries.claim(key, 'A', at(500), 60_000)).toBe(false);
  });

  it('ledger: retryable failure can be re-claimed, final failure cannot; skip never overrides', () => {
    env = tempStores();
    const s = env.open();
    const k2 = { ...key, target: 'discord:2' };
    s.deliveries.claim(key, 'A', t0, 60_000);
    s.deliveries.fail(key, '429 rate limited', false, at(1));
    expect(s.deliveries.claim(key, 'B', at(2), 60_000)).toBe(true);
    s.deliveries.fail(key, 'channel_not_found', true, at(3));
    expect(s.deliveries.claim(key, 'A', at(4), 60_000)).toBe(false);
    s.deliveries.skip(key, 'outside grace', at(5));
    s.deliveries.skip(k2, 'outside grace', at(5));
    expect(s.deliveries.forSlot('morning', key.slot).map((d) => [d.target, d.status, d.final, d.error])).toEqual([
      ['discord:2', 'skipped', true, 'outside grace'],
      ['slack:C1', 'failed', true, 'channel_not_found'],
    ]);
  });

  it('runs: first writer wins; previousRun finds the last built run', () => {
    env = tempStores();
    const s = env.open();
    const first = s.deliveries.recordRun({ brief: 'morning', slot: key.slot, status: 'built', message: '{"a":1}', targets: ['console'], late: false }, t0);
    const second = s.deliveries.recordRun({ brief: 'morning', slot: key.slot, status: 'built', message: '{"b":2}', targets: ['x'], late: true }, at(1));
    expect(second).toEqual(first);
    expect(first).toMatchObject({ message: '{"a":1}', targets: ['console'], late: false });
    s.deliveries.recordRun({ brief: 'morning', slot: '2026-03-29T07:00:00.000Z', status: 'skipped', targets: [], late: true }, t0);
    expect(s.deliveries.previousRun('morning', '2026-03-31T07:00:00.000Z')?.slot).toBe(key.slot);
    expect(s.deliveries.previousRun('morning', key.slot)).toBeUndefined();
    expect(s.deliveries.runsSince('morning', '2026-03-01T00:00:00.000Z').map((r) => r.status)).toEqual(['skipped', 'built']);
  });

  it('sources and coordination', () => {
    env = tempStores();
    const s = env.open();
    expect(s.sources.upsert({ url: 'https://e.com/feed', kind: 'feed', addedBy: 'slack:U1', now: t0 })).toBe(true);
    expect(s.sources.upsert({ url: 'https://e.com/feed', kind: 'feed' })).toBe(false);
    s.sources.update('https://e.com/feed', { etag: '"v1"', failures: 2, primed: true, lastError: undefined });
    expect(s.sources.get('https://e.com/feed')).toMatchObject({ addedBy: 'slack:U1', addedAt: t0.toISOString(), etag: '"v1"', failures: 2, primed: true, articles: 0 });
    expect(s.sources.markSeen('https://e.com/feed', 'guid-1', 'x', t0)).toBe(true);
    expect(s.sources.markSeen('https://e.com/feed', 'guid-1', 'x', t0)).toBe(false);
    expect(s.sources.markSeen('https://e.com/feed', 'guid-1', 'y', t0)).toBe(true);
    expect(s.sources.seen('https://e.com/feed', 'guid-1')).toBe('y');
    expect(s.coordination.shouldRun('morning:2026', 60_000)).toBe(true);
    expect(env.open().coordination.shouldRun('morning:2026', 60_000)).toBe(false);
    expect(s.coordination.lastHeartbeat()).toBeUndefined();
    s.coordination.heartbeat('A', t0);
    s.coordination.heartbeat('B', at(10));
    expect(s.coordination.lastHeartbeat()).toEqual(at(10));
  });
});
