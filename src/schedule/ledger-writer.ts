// The real setImmediate even under a test's fake clock: a write waits for a turn of the
// event loop, not for time, so a fake clock that never advances cannot hold it back.
import { clearInterval, setImmediate, setInterval } from 'node:timers';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Claimed, DeliveryKey, DeliveryProgress } from '../store/schedule-types.js';
import type { Store } from '../store/store.js';

/**
 * Group commit for the delivery ledger. Claims asked for together (a slot's targets are
 * claimed in one go) are written in one transaction, so delivering a brief to a thousand
 * channels costs one claim transaction instead of a thousand. Parts posted ("progress")
 * are written behind, at the end of the current turn of the event loop, together, and not
 * at all when the outcome of the same delivery comes in the same batch.
 *
 * Outcomes of deliveries to a platform that can be asked what it already has (the adapter
 * has findPosted) also wait for the end of the turn while other deliveries are under way:
 * every post whose answer was read in that turn is then recorded in one transaction (the
 * busier the bot, the more answers a turn reads, so batches grow with load). Nothing is
 * lost by waiting: a claim marks its delivery in doubt before anything is posted, so after
 * a crash before the outcome is written the next taker asks the platform what is already
 * there (Slack: metadata lookup; Discord: the part's nonce). Other outcomes, and the last
 * delivery under way (nothing else is coming to share its transaction), are written at once.
 * An async store's writes still in flight hold the next batch back, which then takes
 * everything that came meanwhile. settle() resolves only once its outcome is committed.
 *
 * While deliveries are under way, their claims are renewed every third of the lease: a
 * brief to thousands of channels waits its turn under the platform's rate limit for longer
 * than a lease, and a claim that lapsed while its post was still queued here would be taken
 * over and posted by another process too. A process that dies stops renewing, so its claims
 * still lapse one lease after its last renewal.
 */
export interface LedgerWriter {
  /** Claims the delivery (in doubt from now on); resolves once committed. Undefined: not ours to post. */
  claim(key: DeliveryKey, late: boolean): Promise<Claimed | undefined>;
  /** Parts posted so far: written behind, not awaited (the in-doubt mark covers a crash first). */
  progress(p: DeliveryProgress): void;
  /**
   * The attempt's outcome; resolves once committed. `batch`: the platform can be asked what
   * was posted, so the write may wait for the end of this turn to share a transaction.
   */
  settle(p: DeliveryProgress, opts?: { batch?: boolean }): Promise<void>;
}

interface Waiter<T> {
  resolve(v: T): void;
  reject(err: unknown): void;
}

const idOf = (k: DeliveryKey) => `${k.brief}\u0000${k.slot}\u0000${k.target}`;

export function createLedgerWriter(opts: { store: Store; owner: string; leaseMs: number; now: () => Date; log: Logger; maxBatch?: number }): LedgerWriter {
  const maxBatch = opts.maxBatch ?? 500;
  let claims: ({ key: DeliveryKey; late: boolean } & Waiter<Claimed | undefined>)[] = [];
  let outcomes: { p: DeliveryProgress; waiter: Waiter<void> }[] = [];
  /** Latest progress per delivery not yet written. */
  let progress = new Map<string, DeliveryProgress>();
  let scheduled = false;
  let turnScheduled = false;
  /** Deliveries claimed and not yet settled. */
  let underWay = 0;
  let renewal: ReturnType<typeof setInterval> | undefined;
  /** Flushes run one after another, so a record never overtakes an earlier one. */
  let chain: Promise<void> = Promise.resolve();

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // A microtask, not a timer: whatever is asked for in the same synchronous stretch joins,
    // and nothing that is awaited waits on a clock (a test's fake clock included).
    queueMicrotask(() => {
      scheduled = false;
      chain = chain.then(flush);
    });
  }

  /**
   * At the end of this turn of the event loop: what completes together is written together.
   * A turn, not a time window, so a test's fake clock cannot hold a write back.
   */
  function scheduleTurn(): void {
    if (turnScheduled) return;
    turnScheduled = true;
    setImmediate(() => {
      turnScheduled = false;
      chain = chain.then(flush);
    });
  }

  function keepRenewing(): void {
    if (renewal || underWay === 0) return;
    renewal = setInterval(() => {
      if (underWay === 0) {
        clearInterval(renewal);
        renewal = undefined;
        return;
      }
      opts.store.deliveries.renew(opts.owner, opts.now(), opts.leaseMs).catch((err: unknown) => {
        opts.log.error({ err: errorMessage(err) }, 'could not renew delivery claims; they lapse at the end of their lease');
      });
    }, Math.max(250, Math.floor(opts.leaseMs / 3)));
    // Renewal alone never keeps the process alive.
    renewal.unref();
  }

  async function flush(): Promise<void> {
    const os = outcomes;
    const cs = claims;
    const settled = new Set(os.map((o) => idOf(o.p.key)));
    const ps = [...progress.values()].filter((p) => !settled.has(idOf(p.key)));
    outcomes = [];
    claims = [];
    progress = new Map();
    const records = [...ps.map((p) => ({ p, waiter: undefined as Waiter<void> | undefined })), ...os];
    for (let i = 0; i < records.length; i += maxBatch) {
      const part = records.slice(i, i + maxBatch);
      try {
        await opts.store.deliveries.record(
          part.map((r) => r.p),
          opts.now(),
        );
        for (const r of part) r.waiter?.resolve();
      } catch (err) {
        // Progress is advisory (the in-doubt mark stands); outcomes are reported to their caller.
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
        part.forEach((c, j) => {
          if (got[j]) underWay++;
          c.resolve(got[j]);
        });
        keepRenewing();
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
      progress.set(idOf(p.key), p);
      scheduleTurn();
    },
    settle(p, opts) {
      return new Promise((resolve, reject) => {
        outcomes.push({ p, waiter: { resolve, reject } });
        underWay = Math.max(0, underWay - 1);
        if (opts?.batch && underWay > 0) scheduleTurn();
        else schedule();
      });
    },
  };
}
