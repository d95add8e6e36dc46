import { CronExpressionParser } from 'cron-parser';
import type { BriefDefinition } from '../briefing/definition.js';

/**
 * Scheduled instants of a brief in (after, until], oldest first, computed in the
 * brief's zone (so 08:00 London is 08:00Z in winter and 07:00Z in summer). At most
 * `limit` of the most recent ones: a brief that fires every minute must not make
 * catch-up walk a week of slots.
 */
export function slotsBetween(brief: Pick<BriefDefinition, 'schedule' | 'timezone'>, after: Date, until: Date, limit = 200): Date[] {
  if (until.getTime() <= after.getTime()) return [];
  // cron-parser's prev() is strictly before currentDate; +1 ms keeps a slot that falls exactly on `until`.
  const it = CronExpressionParser.parse(brief.schedule, { tz: brief.timezone, currentDate: new Date(until.getTime() + 1) });
  const out: Date[] = [];
  while (out.length < limit) {
    let d: Date;
    try {
      d = it.prev().toDate();
    } catch {
      break;
    }
    if (d.getTime() <= after.getTime()) break;
    out.push(d);
  }
  return out.reverse();
}

/** The next run of a brief strictly after `from`. */
export function nextSlot(brief: Pick<BriefDefinition, 'schedule' | 'timezone'>, from: Date): Date {
  return CronExpressionParser.parse(brief.schedule, { tz: brief.timezone, currentDate: from }).next().toDate();
}

/** The slot's key in the ledger: ISO 8601 UTC, whole seconds (node-cron fires on whole seconds). */
export function slotKey(slot: Date): string {
  const d = new Date(slot.getTime());
  d.setUTCMilliseconds(0);
  return d.toISOString();
}
