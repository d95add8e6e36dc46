import { describe, expect, it } from 'vitest';
import { LruCache } from '../src/lru.js';

/** Each entry weighs its key's length in bytes. */
const cache = (maxBytes: number) => new LruCache<string, number>(maxBytes, (key) => key.length);

describe('LruCache', () => {
  it('keeps entries within the byte budget, dropping the least recently used first', () => {
    const c = cache(10);
    c.set('aaaa', 1);
    c.set('bbb', 2);
    c.set('cc', 3);
    expect(c.bytes).toBe(9);
    // Reading "aaaa" makes "bbb" the oldest.
    expect(c.get('aaaa')).toBe(1);
    c.set('dd', 4);
    expect([c.get('aaaa'), c.get('bbb'), c.get('cc'), c.get('dd')]).toEqual([1, undefined, 3, 4]);
    expect(c.bytes).toBe(8);
    expect(c.size).toBe(3);
  });

  it('replaces an entry set again without counting it twice', () => {
    const c = cache(10);
    c.set('abc', 1);
    c.set('abc', 2);
    expect(c.get('abc')).toBe(2);
    expect(c.bytes).toBe(3);
    expect(c.size).toBe(1);
  });

  it('never stores an entry larger than the whole budget, and clears', () => {
    const c = cache(4);
    c.set('ab', 1);
    c.set('abcdefgh', 2);
    expect(c.get('abcdefgh')).toBeUndefined();
    expect(c.get('ab')).toBe(1);
    c.clear();
    expect([c.size, c.bytes, c.get('ab')]).toEqual([0, 0, undefined]);
  });
});
