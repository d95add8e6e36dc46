import { CronExpressionParser } from 'cron-parser';
import type { BriefDefinition } from '../briefing/definition.js';

/**
 * Scheduled instants of a brief in (after, until], oldest first, computed in the
 * brief's zone (so 08:00 London is 08:00Z in winter and 07:00Z in summer). At most
 * `limit` of the most recent ones: a brief that fires every minute must not make
 * catch-up walk a week of slots.
 *
 * The series is cron-parser's next(), which runs a local time skipped by a DST change
 * at the shifted instant and a repeated one once. Its prev() disagrees around DST (it
 * drops the skipped time and returns both repeats), so prev() only finds a starting
 * point and the slots themselves always come from next().
 */
export function slotsBetween(brief: Pick<BriefDefinition, 'schedule' | 'timezone'>, after: Date, until: Date, limit = 200): Date[] {
  if (until.getTime() <= after.getTime()) return [];
  // Start next() from a slot at or before `after` (or, for a dense schedule, from the limit-th
  // slot before `until`): from a slot, next() follows the series; from inside a repeated
  // hour it would yield that hour's second pass too.
  let from = after.getTime();
  const back = CronExpressionParser.parse(brief.schedule, { tz: brief.timezone, currentDate: new Date(until.getTime() + 1) });
  for (let i = 0; i <= limit + 1; i++) {
    let d: number;
    try {
      d = back.prev().toDate().getTime();
    } catch {
      break;
    }
    if (d <= after.getTime() || i === limit + 1) {
      from = d;
      break;
    }
  }
  const it = CronExpressionParser.parse(brief.schedule, { tz: brief.timezone, currentDate: new Date(from) });
  const out: Date[] = [];
  for (;;) {
    let d: Date;
    try {
      d = it.next().toDate();
    } catch {
      break;
    }
    if (d.getTime() > until.getTime()) break;
    if (d.getTime() > after.getTime()) out.push(d);
  }
  return out.slice(-limit);
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
