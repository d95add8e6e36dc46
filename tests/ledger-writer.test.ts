/**
 * The ledger's group commit (src/schedule/ledger-writer.ts) against a real SQLite store:
 * outcomes that come in during one turn of the event loop share a transaction while other
 * deliveries are under way, the last one is written at once, and an outcome whose platform
 * cannot be asked what it already has is never held back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/logger.js';
import { createLedgerWriter } from '../src/schedule/ledger-writer.js';
import type { DeliveryKey } from '../src/store/schedule-types.js';
import type { Store } from '../src/store/store.js';
import { tempStores } from './schedule-support.js';

let env: ReturnType<typeof tempStores> | undefined;
afterEach(() => {
  env?.cleanup();
  env = undefined;
});

/** The store, with the size of every record() call (each one transaction) written down. */
function countingStore(): { store: Store; records: number[] } {
  env = tempStores();
  const store = env.open();
  const records: number[] = [];
  const deliveries = new Proxy(store.deliveries, {
    get(target, prop) {
      if (prop === 'record') {
        return (items: Parameters<Store['deliveries']['record']>[0], now: Date) => {
          records.push(items.length);
          return target.record(items, now);
        };
      }
      return Reflect.get(target, prop, target);
    },
  });
  return { store: { ...store, deliveries } as Store, records };
}

const key = (target: string): DeliveryKey => ({ brief: 'morning', slot: '2026-12-01T07:00:00.000Z', target });

/**
 * Runs each function in its own callback, all in one turn of the event loop: immediates queued
 * together run in one check phase, with microtasks between them. (A timer each could land in two
 * timers phases when the clock ticked between their creation, which a loaded machine made happen.)
 */
function inOneTurn(fns: (() => Promise<void>)[]): Promise<void[]> {
  return Promise.all(fns.map((f) => new Promise<void>((resolve, reject) => setImmediate(() => f().then(resolve, reject)))));
}

describe('ledger writer', () => {
  it('writes the outcomes of one turn in one transaction while deliveries are under way, and the last at once', async () => {
    const { store, records } = countingStore();
    const ledger = createLedgerWriter({ store, owner: 'a', leaseMs: 60_000, now: () => new Date('2026-12-01T07:00:01Z'), log: silentLogger });
    const claims = await Promise.all(['slack:C1', 'slack:C2', 'slack:C3'].map((t) => ledger.claim(key(t), false)));
    expect(claims.map((c) => c?.attempts)).toEqual([1, 1, 1]);

    await inOneTurn(
      ['slack:C1', 'slack:C2'].map((t, i) => () => {
        ledger.progress({ key: key(t), postedIds: [`1.${i}`] });
        return ledger.settle({ key: key(t), postedIds: [`1.${i}`], outcome: { status: 'delivered' } }, { batch: true });
      }),
    );
    expect(records).toEqual([2]);
    // C3 is the last under way: nothing else is coming, so it does not wait for the turn's end.
    await ledger.settle({ key: key('slack:C3'), postedIds: ['1.2'], outcome: { status: 'delivered' } }, { batch: true });
    expect(records).toEqual([2, 1]);
    const rows = await store.deliveries.forSlot('morning', '2026-12-01T07:00:00.000Z');
    expect(rows.map((d) => [d.target, d.status, d.postedIds, d.inDoubtSince])).toEqual([
      ['slack:C1', 'delivered', ['1.0'], undefined],
      ['slack:C2', 'delivered', ['1.1'], undefined],
      ['slack:C3', 'delivered', ['1.2'], undefined],
    ]);
  });

  it('does not hold back an outcome whose platform cannot say what it already has', async () => {
    const { store, records } = countingStore();
    const ledger = createLedgerWriter({ store, owner: 'a', leaseMs: 60_000, now: () => new Date('2026-12-01T07:00:01Z'), log: silentLogger });
    await Promise.all(['console', 'slack:C1', 'slack:C2'].map((t) => ledger.claim(key(t), false)));
    await inOneTurn(['console', 'slack:C1'].map((t) => () => ledger.settle({ key: key(t), postedIds: ['x'], outcome: { status: 'delivered' } })));
    expect(records).toEqual([1, 1]);
  });

  it("renews its claims while deliveries are under way, so another process cannot take a post still waiting its turn", async () => {
    env = tempStores();
    const store = env.open();
    const other = env.open();
    const now = () => new Date();
    const ledger = createLedgerWriter({ store, owner: 'a', leaseMs: 1_500, now, log: silentLogger });
    await Promise.all(['slack:C1', 'slack:C2'].map((t) => ledger.claim(key(t), false)));
    await ledger.settle({ key: key('slack:C2'), postedIds: ['1.0'], outcome: { status: 'delivered' } });
    // C1's post waits (queued under a rate limit) for more than two leases.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(await other.deliveries.claimMany([{ key: key('slack:C1') }], 'b', now(), 1_500)).toEqual([undefined]);
    const held = await other.deliveries.get(key('slack:C1'));
    expect(held?.owner).toBe('a');
    expect(Date.parse(held?.leaseUntil ?? '')).toBeGreaterThan(now().getTime());
    await ledger.settle({ key: key('slack:C1'), postedIds: ['1.1'], outcome: { status: 'delivered' } });
    expect((await other.deliveries.get(key('slack:C1')))?.status).toBe('delivered');
  });
});
