import { BriefbotError, DeliveryError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { message, type Message } from '../messages/message.js';
import type { Store } from '../store/store.js';
import type { DeliveryRef } from '../adapter.js';
import type { DeliveryKey } from '../store/schedule-types.js';
import type { LedgerWriter } from './ledger-writer.js';

/** What the scheduler needs of an adapter: posting, and (optionally) finding what an interrupted attempt posted. */
export interface Poster {
  post(target: string, message: Message, delivery?: DeliveryRef): Promise<unknown>;
  findPosted?(target: string, key: string, since: Date): Promise<Map<number, string>>;
}

/** The delivery's name on the platform: the same for every attempt by any process. */
export function deliveryRefKey(key: DeliveryKey): string {
  return `${key.brief}|${key.slot}|${key.target}`;
}

export interface RetryPolicy {
  /** Most posts per (brief, slot, target), counting the first (default 5). */
  maxAttempts: number;
  /** First back-off; doubles each attempt (default 2 s). */
  baseMs: number;
  /** Longest single wait, retryAfterMs included (default 10 min). */
  maxMs: number;
  /**
   * Share of each back-off drawn at random (default 0.5: between half and all of it), so
   * instances that failed together do not all retry in the same instant. 0 for exact waits.
   */
  jitter: number;
  /**
   * Most rate limits (429 with Retry-After) waited out per delivery (default 50). They do not
   * count as attempts: the platform asked for a pause, nothing failed. Past this many, a rate
   * limit counts as a failed attempt, so a platform that never stops refusing ends it.
   */
  maxRateLimitWaits: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseMs: 2_000, maxMs: 10 * 60_000, jitter: 0.5, maxRateLimitWaits: 50 };

export interface DeliveryMetrics {
  inc(labels: { status: 'delivered' | 'retry' | 'failed' | 'skipped' }): void;
}

export interface DeliverContext {
  store: Store;
  /** Batched ledger writes (createLedgerWriter over the same store, owner and lease). */
  ledger: LedgerWriter;
  adapters: Map<string, Poster>;
  owner: string;
  now: () => Date;
  log: Logger;
  leaseMs: number;
  retry: RetryPolicy;
  /** Aborted by stop(): back-off waits end early and the delivery is left for the next start. */
  signal: AbortSignal;
  metrics?: DeliveryMetrics;
}

export type DeliveryOutcome = 'delivered' | 'not-claimed' | 'failed' | 'retry-later';

/** 'console' → 'console'; 'slack:C1' → 'slack'; 'discord:user:1' → 'discord'. */
export function platformOf(target: string): string {
  const i = target.indexOf(':');
  return i < 0 ? target : target.slice(0, i);
}

/**
 * Back-off before attempt n+1 after n failed attempts: base·2^(n-1) less a random share
 * (policy.jitter), at least the platform's retryAfterMs, capped.
 */
export function retryDelay(failedAttempts: number, err: unknown, policy: RetryPolicy, random: () => number = Math.random): number {
  const retryAfter = err instanceof DeliveryError && err.retryAfterMs !== undefined && err.retryAfterMs > 0 ? err.retryAfterMs : 0;
  const exponential = policy.baseMs * 2 ** Math.max(0, failedAttempts - 1);
  const jittered = exponential * (1 - (policy.jitter ?? 0) * random());
  return Math.round(Math.min(Math.max(retryAfter, jittered), policy.maxMs));
}

/** The wait a rate-limited failure asks for (capped at policy.maxMs); undefined when it is not one, or too many were waited out. */
function rateLimitWait(err: unknown, waited: number, policy: RetryPolicy): number | undefined {
  if (!(err instanceof DeliveryError) || !err.rateLimited || waited >= (policy.maxRateLimitWaits ?? 0)) return undefined;
  return Math.min(Math.max(err.retryAfterMs ?? 1000, 0), policy.maxMs);
}

/** Permanent: the target is gone or closed to the bot. Unknown errors are retried (bounded): they may be transient. */
function classify(err: unknown): 'permanent' | 'retryable' | 'final' {
  if (err instanceof DeliveryError && err.permanent) return 'permanent';
  if (err instanceof BriefbotError) return err.retryable ? 'retryable' : 'final';
  return 'retryable';
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Delivers one (brief, slot, target): claim in the ledger (which marks it in doubt), post
 * the parts not yet known to be posted, record the outcome. When an earlier attempt may
 * have posted without recording it (a crash mid-post, a timeout), the platform is asked
 * first, so a part is never posted twice. A rate limit is waited out as the platform asks
 * and costs no attempt. Retryable failures back off and try again up to the policy's limit;
 * a permanent one disables the subscription and tells whoever subscribed it. Never throws
 * for a platform failure.
 */
export async function deliverToTarget(
  ctx: DeliverContext,
  key: DeliveryKey,
  msg: Message,
  info: { title: string; late: boolean },
): Promise<DeliveryOutcome> {
  const log = ctx.log.child({ brief: key.brief, slot: key.slot, target: key.target });
  const ref = deliveryRefKey(key);
  /** Rate limits waited out so far (bounded by the policy), and claims that ended on one. */
  let rateLimitWaits = 0;
  let uncounted = 0;
  for (;;) {
    const claim = await ctx.ledger.claim(key, info.late);
    if (!claim) return 'not-claimed';
    const { attempts } = claim;
    const adapter = ctx.adapters.get(platformOf(key.target));
    if (!adapter) {
      const reason = `no ${platformOf(key.target)} adapter is running (is it configured?)`;
      await ctx.ledger.settle({ key, postedIds: claim.postedIds, outcome: { status: 'failed', error: reason, final: true, inDoubt: Boolean(claim.inDoubtSince) } });
      ctx.metrics?.inc({ status: 'failed' });
      log.error({ attempts }, `brief not delivered: ${reason}`);
      return 'failed';
    }
    const ids = [...claim.postedIds];
    // A platform that can say what it already has lets the outcome share a later transaction.
    const batch = Boolean(adapter.findPosted);
    const claimedAt = ctx.now().getTime();
    let lookedUp = !(claim.inDoubtSince && adapter.findPosted);
    let failure: unknown;
    for (;;) {
      try {
        if (!lookedUp && claim.inDoubtSince && adapter.findPosted) {
          const found = await adapter.findPosted(key.target, ref, new Date(claim.inDoubtSince));
          lookedUp = true;
          const before = ids.length;
          for (let part = ids.length; found.has(part); part++) ids.push(found.get(part) as string);
          log.info({ attempts, inDoubtSince: claim.inDoubtSince, alreadyPosted: ids.length - before }, 'resuming a delivery whose earlier attempt was cut short');
          if (ids.length > before) ctx.ledger.progress({ key, postedIds: [...ids] });
        }
        await adapter.post(key.target, msg, {
          key: ref,
          fromPart: ids.length,
          onPosted(part, id) {
            ids[part] = id;
            ctx.ledger.progress({ key, postedIds: ids.slice(0, part + 1) });
          },
        });
        failure = undefined;
        break;
      } catch (err) {
        failure = err;
      }
      // Rate-limited: nothing failed, the platform asked us to come back later. Within the
      // claim's lease (half of it, to leave the post itself time) that costs no attempt and no
      // ledger write: wait and go on from the refused part.
      const wait = rateLimitWait(failure, rateLimitWaits, ctx.retry);
      if (wait === undefined || ctx.now().getTime() - claimedAt + wait > ctx.leaseMs / 2) break;
      rateLimitWaits++;
      log.info({ attempts, waitMs: wait, partsPosted: ids.length, err: describe(failure) }, 'rate-limited; posting again after the wait');
      if (!(await sleep(wait, ctx.signal))) {
        await ctx.ledger.settle({ key, postedIds: ids, outcome: { status: 'failed', error: describe(failure), final: false, inDoubt: false } }, { batch });
        log.warn({ attempts }, 'shutting down during a rate-limit wait; the next start resumes this delivery');
        return 'retry-later';
      }
    }
    if (failure === undefined) {
      // Outside the try: a ledger error here must not look like a failed post (and be posted again).
      await ctx.ledger.settle({ key, postedIds: ids, outcome: { status: 'delivered' } }, { batch });
      ctx.metrics?.inc({ status: 'delivered' });
      log.info({ attempts, late: info.late, parts: ids.length }, 'brief delivered');
      return 'delivered';
    }
    const kind = classify(failure);
    const reason = describe(failure);
    const inDoubt = !(failure instanceof DeliveryError && failure.notPosted);
    // A rate limit that outlasts the lease ends this claim but does not use up an attempt.
    if (rateLimitWait(failure, rateLimitWaits, ctx.retry) !== undefined) {
      rateLimitWaits++;
      uncounted++;
    }
    if (kind === 'retryable' && attempts - uncounted < ctx.retry.maxAttempts) {
      await ctx.ledger.settle({ key, postedIds: ids, outcome: { status: 'failed', error: reason, final: false, inDoubt } }, { batch });
      ctx.metrics?.inc({ status: 'retry' });
      const wait = retryDelay(attempts, failure, ctx.retry);
      log.warn({ attempts, waitMs: wait, partsPosted: ids.length, err: reason }, 'delivery failed; retrying');
      if (!(await sleep(wait, ctx.signal))) {
        log.warn({ attempts }, 'shutting down during a retry wait; the next start resumes this delivery');
        return 'retry-later';
      }
      continue;
    }
    await ctx.ledger.settle({ key, postedIds: ids, outcome: { status: 'failed', error: reason, final: true, inDoubt } }, { batch });
    ctx.metrics?.inc({ status: 'failed' });
    if (kind === 'permanent') {
      log.error({ attempts, err: reason }, 'delivery failed permanently');
      await disableAndNotify(ctx, key, info.title, reason, log);
    } else {
      log.error({ attempts, err: reason }, kind === 'retryable' ? 'delivery failed; out of retries' : 'delivery failed');
    }
    return 'failed';
  }
}

function describe(err: unknown): string {
  if (err instanceof BriefbotError) return `${err.code}: ${err.message}`;
  return errorMessage(err);
}

/** The plain-text notice a subscriber gets when their subscription is switched off. */
export function disabledNotice(brief: string, title: string, target: string, reason: string): Message {
  return message(
    [
      { type: 'paragraph', text: `I could not post the "${title}" brief (${brief}) to ${target}, so I have stopped sending it there.` },
      { type: 'paragraph', text: `What went wrong: ${reason}` },
      {
        type: 'paragraph',
        text:
          `How to fix it: check that the channel still exists and that the bot can post in it ` +
          `(Slack: invite the bot with /invite; Discord: give it View Channel and Send Messages), ` +
          `then run "/briefbot subscribe ${brief}" in that channel again.`,
      },
    ],
    'Brief subscription disabled',
  );
}

async function disableAndNotify(ctx: DeliverContext, key: DeliveryKey, title: string, reason: string, log: Logger): Promise<void> {
  const sub = (await ctx.store.subscriptions.list({ brief: key.brief, target: key.target })).find((s) => !s.disabledAt);
  if (!sub) {
    log.error({ err: reason }, 'a target named in the brief definition file cannot be reached; fix or remove it in the file');
    return;
  }
  await ctx.store.subscriptions.disable(key.brief, key.target, reason, ctx.now());
  log.warn({ subscribedBy: sub.subscribedBy }, 'subscription disabled');
  if (sub.subscribedBy === key.target) return; // a personal subscription whose DM is gone: nobody left to tell
  const adapter = ctx.adapters.get(platformOf(sub.subscribedBy));
  if (!adapter) {
    log.error({ subscribedBy: sub.subscribedBy }, 'cannot tell the subscriber: no adapter for their platform');
    return;
  }
  try {
    await adapter.post(sub.subscribedBy, disabledNotice(key.brief, title, key.target, reason));
  } catch (err) {
    log.error({ subscribedBy: sub.subscribedBy, err: errorMessage(err) }, 'could not tell the subscriber that their subscription was disabled');
  }
}
