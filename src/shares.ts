import { randomUUID } from 'node:crypto';
import type { ShareOffer, Shares } from './adapter.js';
import type { ShareStore } from './store/store.js';

/** How long an answer offered with a "Share to channel" button can be shared. */
export const SHARE_TTL_MS = 24 * 3600_000;

/**
 * Answers waiting for a "Share to channel" click, kept in the store rather than in the
 * process that gave them: with several processes the click may reach any of them, and a
 * restart forgets nothing. Expired offers are dropped by the store as new ones are kept.
 */
export function createShares(store: ShareStore, now: () => Date, ttlMs = SHARE_TTL_MS): Shares {
  return {
    async offer(share) {
      const key = randomUUID();
      const at = now();
      const kept: ShareOffer = { message: share.message, channel: share.channel, command: share.command };
      await store.put(key, JSON.stringify(kept), at, new Date(at.getTime() + ttlMs));
      return key;
    },
    async get(key) {
      const row = await store.get(key, now());
      if (!row) return undefined;
      const kept = JSON.parse(row.payload) as ShareOffer;
      return { ...kept, shared: row.sharedAt !== undefined };
    },
    claim: (key) => store.markShared(key, now()),
    release: (key) => store.unmarkShared(key),
  };
}
