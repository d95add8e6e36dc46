/**
 * Remembers the last `capacity` keys it was shown. Slack redelivers events it
 * thinks we missed (x-slack-retry-num, same event_id) and Bolt passes every copy
 * on, so each event, command and button press is answered only the first time.
 * In memory on purpose: a redelivery comes within minutes, and after a restart
 * answering twice is better than never.
 */
export class SeenKeys {
  private readonly keys = new Map<string, true>();
  constructor(private readonly capacity = 5000) {}

  /** True the first time a key is seen; false for every repeat still remembered. */
  firstTime(key: string): boolean {
    if (this.keys.has(key)) {
      this.keys.delete(key);
      this.keys.set(key, true);
      return false;
    }
    this.keys.set(key, true);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.keys.size;
  }
}

/** A bounded map for answers waiting on a "Share to channel" click. */
export class BoundedMap<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity = 500) {}

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }
}
