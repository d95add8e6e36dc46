/**
 * Store interfaces for subscriptions, the delivery ledger, feed sources and run
 * coordination. (Owned by the scheduling work; shapes may grow.)
 */
export interface Subscription {
  brief: string;
  target: string;
  /** Who subscribed it, as a target to notify (e.g. 'slack:U0123'). */
  subscribedBy: string;
  createdAt: string;
  disabledAt?: string;
  disabledReason?: string;
}

export interface SubscriptionStore {
  add(sub: { brief: string; target: string; subscribedBy: string; now: Date }): 'added' | 'exists';
  remove(brief: string, target: string): boolean;
  list(filter?: { brief?: string; target?: string }): Subscription[];
  disable(brief: string, target: string, reason: string, now: Date): void;
}

export type DeliveryStatus = 'claimed' | 'delivered' | 'failed' | 'skipped';

export interface Delivery {
  brief: string;
  slot: string;
  target: string;
  status: DeliveryStatus;
  attempts: number;
  late: boolean;
  error?: string;
  updatedAt: string;
}

export interface DeliveryLedger {
  /** Claims (brief, slot, target) for `owner`; false when another claim is live or it is already done. */
  claim(key: { brief: string; slot: string; target: string }, owner: string, now: Date, leaseMs: number): boolean;
  complete(key: { brief: string; slot: string; target: string }, now: Date): void;
  fail(key: { brief: string; slot: string; target: string }, error: string, final: boolean, now: Date): void;
  recent(limit: number): Delivery[];
}

export interface SourceRecord {
  url: string;
  kind: 'feed' | 'folder';
  addedBy?: string;
  etag?: string;
  lastModified?: string;
  lastSuccessAt?: string;
  lastErrorAt?: string;
  lastError?: string;
  failures: number;
  articles: number;
  nextPollAt?: string;
}

export interface SourceStore {
  upsert(source: { url: string; kind: 'feed' | 'folder'; addedBy?: string }): void;
  list(): SourceRecord[];
  get(url: string): SourceRecord | undefined;
  update(url: string, patch: Partial<SourceRecord>): void;
}

export interface RunCoordinatorStore {
  /** True for exactly one caller per key while the ttl lasts (node-cron's runCoordinator). */
  shouldRun(key: string, ttlMs: number): boolean;
}
