/**
 * Applies an async function to each item with up to `concurrency` calls in flight,
 * yielding the results in the order of the items (ingest reports inputs in order).
 */
export async function* mapOrdered<T, R>(items: AsyncIterable<T> | Iterable<T>, fn: (item: T) => Promise<R> | R, concurrency: number): AsyncGenerator<R> {
  const inFlight: Promise<R>[] = [];
  for await (const item of items) {
    const p = Promise.resolve().then(() => fn(item));
    // Settled later in order; mark handled now so a failure waiting its turn is not reported as unhandled.
    p.catch(() => {});
    inFlight.push(p);
    if (inFlight.length >= concurrency) yield await inFlight.shift()!;
  }
  while (inFlight.length) yield await inFlight.shift()!;
}

/** Groups items into arrays of `size` (the last may be shorter). */
export async function* chunks<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
