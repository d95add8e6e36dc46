import { DefaultRestOptions, type RESTOptions } from 'discord.js';

type MakeRequest = RESTOptions['makeRequest'];

/** Discord's global limit for a bot: 50 requests per second, interaction endpoints exempt. */
export const DISCORD_GLOBAL_PER_SECOND = 50;

/**
 * Paces a bot's REST requests to Discord's global limit as Discord counts it: no more
 * than `perSecond` in any `windowMs` (a sliding second, plus a margin for the time a
 * request takes to arrive). discord.js counts the global limit in fixed windows of its
 * own clock, which lets up to twice the limit through around a window edge, and each
 * refused request then holds every request back for its Retry-After.
 *
 * Route buckets stay with discord.js, which paces them by X-RateLimit-Remaining,
 * -Reset-After and -Bucket, and it still honours a global 429 (X-RateLimit-Global).
 *
 * A request waiting here for its turn is not yet sent, so discord.js's timeout (which
 * starts before this) must not abort it: the wait is not forwarded, and the request gets
 * its own `timeoutMs` from the moment it is sent.
 */
export function globalPacer(opts: { perSecond?: number; windowMs?: number; timeoutMs?: number; makeRequest?: MakeRequest } = {}): MakeRequest {
  const perSecond = opts.perSecond ?? DISCORD_GLOBAL_PER_SECOND;
  const windowMs = opts.windowMs ?? 1_040;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const send = opts.makeRequest ?? DefaultRestOptions.makeRequest;
  /** Send times of the last `perSecond` paced requests, oldest first. */
  const sent: number[] = [];
  /** Requests take their turns in order. */
  let turn: Promise<void> = Promise.resolve();

  async function waitTurn(): Promise<void> {
    for (;;) {
      const now = performance.now();
      while (sent.length && now - sent[0] >= windowMs) sent.shift();
      if (sent.length < perSecond) {
        sent.push(now);
        return;
      }
      await new Promise((r) => setTimeout(r, windowMs - (now - sent[0])));
    }
  }

  return async (url, init) => {
    if (!/\/(interactions|webhooks)\//.test(url)) {
      const mine = turn.then(waitTurn);
      turn = mine;
      await mine;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      return await send(url, { ...init, signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  };
}
