/**
 * Scheduled posts carry Slack message metadata naming their delivery, so that after a
 * crash between the post and the ledger write the next attempt can find them with
 * conversations.history (include_all_metadata) instead of posting them again.
 */
export const DELIVERY_EVENT = 'briefbot_delivery';

export function deliveryMetadata(key: string, part: number) {
  return { event_type: DELIVERY_EVENT, event_payload: { key, part } };
}

export interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/** [part, ts] of each message in `messages` that is a part of the delivery `key`. */
export function partsFound(messages: HistoryMessage[], key: string): [number, string][] {
  const out: [number, string][] = [];
  for (const m of messages) {
    const p = m.metadata?.event_type === DELIVERY_EVENT ? m.metadata.event_payload : undefined;
    if (p?.key === key && typeof p.part === 'number' && Number.isInteger(p.part) && m.ts) out.push([p.part, m.ts]);
  }
  return out;
}
