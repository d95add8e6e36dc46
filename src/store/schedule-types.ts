/**
 * Store interfaces for subscriptions, the delivery ledger, feed sources and run
 * coordination. Implemented by src/store/sqlite/schedule.ts.
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
  /** Adds or re-enables a subscription ('exists' when an active one was already there). */
  add(sub: { brief: string; target: string; subscribedBy: string; now: Date }): Promise<'added' | 'exists'>;
  remove(brief: string, target: string): Promise<boolean>;
  /** Every subscription, disabled ones included (they carry disabledAt). */
  list(filter?: { brief?: string; target?: string }): Promise<Subscription[]>;
  disable(brief: string, target: string, reason: string, now: Date): Promise<void>;
}

export type DeliveryStatus = 'claimed' | 'delivered' | 'failed' | 'skipped';

export interface DeliveryKey {
  brief: string;
  /** The scheduled instant of the run, ISO 8601 UTC. */
  slot: string;
  target: string;
}

export interface Delivery extends DeliveryKey {
  status: DeliveryStatus;
  attempts: number;
  late: boolean;
  /** For 'failed': true when no further attempt will be made. */
  final: boolean;
  error?: string;
  owner?: string;
  leaseUntil?: string;
  updatedAt: string;
  /** Parts of the message known to be on the platform, in order (a brief split into parts resumes after them). */
  partsPosted: number;
  /** Platform ids of those parts. */
  postedIds: string[];
  /**
   * Set while an attempt may have posted without its outcome being recorded (written by the
   * claim, before anything is posted): the start of the earliest such attempt. Whoever
   * attempts next first asks the platform what is already there. Cleared once the outcome is known.
   */
  inDoubtSince?: string;
}

/** What a claim hands the poster: where to resume, and whether to look on the platform first. */
export interface Claimed {
  attempts: number;
  partsPosted: number;
  postedIds: string[];
  /** When an earlier attempt's outcome is unknown (a crash mid-post, a timeout): the time it began. */
  inDoubtSince?: string;
}

/** Progress of one attempt: parts posted so far and, once it ends, how. */
export interface DeliveryProgress {
  key: DeliveryKey;
  /** Ids of every part known to be posted, in order (earlier attempts' parts included). */
  postedIds: string[];
  outcome?:
    | { status: 'delivered' }
    /** `inDoubt`: the platform may have taken the failed part (a timeout), so the next attempt looks first. */
    | { status: 'failed'; error: string; final: boolean; inDoubt: boolean };
}

/** One scheduled run of a brief: the message is built once and stored, so every target (and a resumed run) posts the same brief. */
export interface BriefRun {
  brief: string;
  slot: string;
  /** 'built': message (or null for an empty window) is stored; 'skipped': missed outside the grace window. */
  status: 'built' | 'skipped';
  /** JSON of the Message, or undefined when the window held nothing to post. */
  message?: string;
  /** The targets the run was for, fixed when it was built. */
  targets: string[];
  late: boolean;
  note?: string;
  createdAt: string;
}

export interface DeliveryLedger {
  /**
   * Claims (brief, slot, target) for `owner` and counts an attempt; false when another
   * owner's claim is live or the delivery is done (delivered, skipped, failed for good).
   * The same owner may re-claim to renew its lease.
   */
  claim(key: DeliveryKey, owner: string, now: Date, leaseMs: number, opts?: { late?: boolean }): Promise<boolean>;
  complete(key: DeliveryKey, now: Date): Promise<void>;
  /**
   * Extends every live claim `owner` holds to now + leaseMs: a process renews its claims
   * while their posts wait their turn under a rate limit, so the lease measures whether the
   * process is alive, not how long a brief's fan-out takes. A claim whose lease has already
   * ended is left alone (another process may have taken it). Returns how many were renewed.
   */
  renew(owner: string, now: Date, leaseMs: number): Promise<number>;
  /**
   * claim() for many keys in one transaction, marking each claimed delivery in doubt
   * (it is about to be posted). Per request: what to resume from, or undefined when not claimed.
   */
  claimMany(requests: { key: DeliveryKey; late?: boolean }[], owner: string, now: Date, leaseMs: number): Promise<(Claimed | undefined)[]>;
  /**
   * Records parts posted and attempts' outcomes, all in one transaction. Parts only ever
   * grow; outcomes apply while the delivery is not done. A delivered outcome clears the doubt.
   */
  record(progress: DeliveryProgress[], now: Date): Promise<void>;
  /** Records a failed attempt; `final` means no more attempts. Ignored when the delivery is already done. */
  fail(key: DeliveryKey, error: string, final: boolean, now: Date): Promise<void>;
  /** Marks a delivery as deliberately not made (e.g. missed outside the grace window). */
  skip(key: DeliveryKey, reason: string, now: Date): Promise<void>;
  get(key: DeliveryKey): Promise<Delivery | undefined>;
  forSlot(brief: string, slot: string): Promise<Delivery[]>;
  recent(limit: number): Promise<Delivery[]>;
  /** Stores a run unless one exists for (brief, slot); returns the stored one (first writer wins). */
  recordRun(run: Omit<BriefRun, 'createdAt'>, now: Date): Promise<BriefRun>;
  getRun(brief: string, slot: string): Promise<BriefRun | undefined>;
  /** Runs of a brief with slot >= sinceSlot, oldest first. */
  runsSince(brief: string, sinceSlot: string): Promise<BriefRun[]>;
  /** The latest built run before `beforeSlot` (for "since previous run" windows). */
  previousRun(brief: string, beforeSlot: string): Promise<BriefRun | undefined>;
}

export interface SourceRecord {
  url: string;
  kind: 'feed' | 'folder';
  addedBy?: string;
  addedAt?: string;
  etag?: string;
  lastModified?: string;
  lastPollAt?: string;
  lastSuccessAt?: string;
  lastErrorAt?: string;
  lastError?: string;
  failures: number;
  articles: number;
  nextPollAt?: string;
  /** False until the first successful poll: that poll marks the back catalogue as seen. */
  primed: boolean;
}

export interface SourceStore {
  /** Adds a source (keeps an existing one as it is); returns whether it was new. */
  upsert(source: { url: string; kind: 'feed' | 'folder'; addedBy?: string; now?: Date }): Promise<boolean>;
  list(): Promise<SourceRecord[]>;
  get(url: string): Promise<SourceRecord | undefined>;
  update(url: string, patch: Partial<Omit<SourceRecord, 'url' | 'kind'>>): Promise<void>;
  remove(url: string): Promise<boolean>;
  /** Items (feed GUIDs/links, folder file keys) already handled, so each is ingested once. */
  seen(url: string, itemKey: string): Promise<string | undefined>;
  /** Records an item with a fingerprint (a date or content hash); returns true when new or changed. */
  markSeen(url: string, itemKey: string, fingerprint: string, now: Date): Promise<boolean>;
  /**
   * Takes the right to poll a source until now + leaseMs, so one process at a time polls it:
   * true when nobody holds it, the holder's lease has ended, or `owner` already holds it
   * (renewing). False while another owner's lease lasts, and for an unknown source.
   */
  lease(url: string, owner: string, now: Date, leaseMs: number): Promise<boolean>;
  /** Ends `owner`'s lease early (after its poll); another owner's lease is left alone. */
  release(url: string, owner: string): Promise<void>;
}

export interface RunCoordinatorStore {
  /** True for exactly one caller per key while the ttl lasts (node-cron's runCoordinator). */
  shouldRun(key: string, ttlMs: number): Promise<boolean>;
  /** Records that a scheduler instance is alive (catch-up uses the last beat to know how long it was down). */
  heartbeat(owner: string, now: Date): Promise<void>;
  /** The latest heartbeat of any instance, if ever. */
  lastHeartbeat(): Promise<Date | undefined>;
}
