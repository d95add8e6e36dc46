import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Claimed, DeliveryKey, DeliveryProgress } from '../store/schedule-types.js';
import type { Store } from '../store/store.js';

/**
 * Group commit for the delivery ledger. Claims and records asked for together (a slot's
 * targets are claimed in one go) or while an earlier write is still in flight (an async
 * store) are written together, one transaction each kind, so delivering a brief to a
 * thousand channels costs one claim transaction instead of a thousand.
 *
 * Nothing is lost by waiting: a claim marks its delivery in doubt before anything is posted,
 * so a crash before the outcome is written leaves a delivery whose next taker asks the
 * platform what is already there (Slack: metadata lookup; Discord: the part's nonce).
 */
export interface LedgerWriter {
  /** Claims the delivery (in doubt from now on); resolves once committed. Undefined: not ours to post. */
  claim(key: DeliveryKey, late: boolean): Promise<Claimed | undefined>;
  /** Parts posted so far: written with the next batch, not awaited (the in-doubt mark covers a crash first). */
  progress(p: DeliveryProgress): void;
  /** The attempt's outcome; resolves once committed. */
  settle(p: DeliveryProgress): Promise<void>;
}

interface Waiter<T> {
  resolve(v: T): void;
  reject(err: unknown): void;
}

export function createLedgerWriter(opts: { store: Store; owner: string; leaseMs: number; now: () => Date; log: Logger; maxBatch?: number }): LedgerWriter {
  const maxBatch = opts.maxBatch ?? 500;
  let claims: ({ key: DeliveryKey; late: boolean } & Waiter<Claimed | undefined>)[] = [];
  let records: { p: DeliveryProgress; waiter?: Waiter<void> }[] = [];
  let scheduled = false;
  /** Flushes run one after another, so a record never overtakes an earlier one. */
  let chain: Promise<void> = Promise.resolve();

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // A microtask, not a timer: whatever is asked for in the same synchronous stretch joins,
    // nothing waits on a clock (a test's fake clock included).
    queueMicrotask(() => {
      scheduled = false;
      chain = chain.then(flush);
    });
  }

  async function flush(): Promise<void> {
    const rs = records;
    const cs = claims;
    records = [];
    claims = [];
    for (let i = 0; i < rs.length; i += maxBatch) {
      const part = rs.slice(i, i + maxBatch);
      try {
        await opts.store.deliveries.record(
          part.map((r) => r.p),
          opts.now(),
        );
        for (const r of part) r.waiter?.resolve();
      } catch (err) {
        // Progress without a waiter is advisory (the in-doubt mark stands); outcomes are reported to their caller.
        opts.log.error({ err: errorMessage(err), records: part.length }, 'could not write delivery progress to the ledger');
        for (const r of part) r.waiter?.reject(err);
      }
    }
    for (let i = 0; i < cs.length; i += maxBatch) {
      const part = cs.slice(i, i + maxBatch);
      try {
        const got = await opts.store.deliveries.claimMany(
          part.map((c) => ({ key: c.key, late: c.late })),
          opts.owner,
          opts.now(),
          opts.leaseMs,
        );
        part.forEach((c, j) => c.resolve(got[j]));
      } catch (err) {
        for (const c of part) c.reject(err);
      }
    }
  }

  return {
    claim(key, late) {
      return new Promise((resolve, reject) => {
        claims.push({ key, late, resolve, reject });
        schedule();
      });
    },
    progress(p) {
      records.push({ p });
      schedule();
    },
    settle(p) {
      return new Promise((resolve, reject) => {
        records.push({ p, waiter: { resolve, reject } });
        schedule();
      });
    },
  };
}
