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
