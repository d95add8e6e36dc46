import type { Delivery } from '../store/schedule-types.js';
import type { Store } from '../store/store.js';

/** The latest deliveries, newest first (the `briefbot deliveries` CLI). */
export function listDeliveries(store: Store, limit = 50): Promise<Delivery[]> {
  return store.deliveries.recent(limit);
}

/** One line per delivery: when, brief, slot, target, status (late, attempts) and the error, so nothing fails silently. */
export function formatDeliveries(rows: Delivery[]): string[] {
  if (!rows.length) return ['no deliveries recorded yet'];
  return rows.map((d) => {
    const status = d.status === 'failed' && !d.final ? 'retrying' : d.status;
    const flags = [d.late ? 'late' : '', `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`].filter(Boolean).join(', ');
    return `${d.updatedAt}  ${d.brief}  slot ${d.slot}  ${d.target}  ${status} (${flags})${d.error ? `  — ${d.error}` : ''}`;
  });
}
