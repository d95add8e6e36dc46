import type Database from 'better-sqlite3';
import type { Migration } from './migration.js';
import type { DeliveryLedger, RunCoordinatorStore, SourceStore, SubscriptionStore } from '../schedule-types.js';

/** Tables for subscriptions, the delivery ledger, sources and run coordination. Versions 100+ (articles use 1–99). */
export const SCHEDULE_MIGRATIONS: Migration[] = [];

export function createScheduleStores(_db: Database.Database): {
  subscriptions: SubscriptionStore;
  deliveries: DeliveryLedger;
  sources: SourceStore;
  coordination: RunCoordinatorStore;
} {
  const notYet = (): never => {
    throw new Error('schedule stores are not implemented yet');
  };
  return {
    subscriptions: { add: notYet, remove: notYet, list: notYet, disable: notYet },
    deliveries: { claim: notYet, complete: notYet, fail: notYet, recent: notYet },
    sources: { upsert: notYet, list: notYet, get: notYet, update: notYet },
    coordination: { shouldRun: notYet },
  };
}
