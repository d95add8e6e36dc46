import { describe, expect, it } from 'vitest';
import { message, type Block } from '../src/messages/message.js';
import { splitMessage, truncate } from '../src/messages/split.js';

const story = (i: number): Block => ({ type: 'story', title: `Story ${i}`, summary: `Summary ${i}.`, sources: [{ label: 'Wire', url: `https://e.example/${i}` }] });

describe('splitMessage', () => {
  it('keeps a message that fits as it is', () => {
    const msg = message([story(1), story(2)], 'Brief');
    expect(splitMessage(msg, { maxUnits: 10, maxChars: 6000, maxBlockChars: 3000 })).toEqual([msg]);
  });

  it('splits by units in order, never dropping a block, and titles the continuations', () => {
    const msg = message(Array.from({ length: 20 }, (_, i) => story(i + 1)), 'Brief');
    const parts = splitMessage(msg, { maxUnits: 10, maxChars: 100_000, maxBlockChars: 3000, cost: () => ({ units: 2, chars: 10 }) });
    // Each part's title costs a unit too: 1 + 4 × 2 = 9 of 10.
    expect(parts.map((p) => p.blocks.length)).toEqual([4, 4, 4, 4, 4]);
    expect(parts.flatMap((p) => p.blocks)).toEqual(msg.blocks);
    expect(parts.map((p) => p.title)).toEqual(['Brief', 'Brief (continued 2/5)', 'Brief (continued 3/5)', 'Brief (continued 4/5)', 'Brief (continued 5/5)']);
  });

  it('splits by characters and cuts over-long paragraphs at sentence ends without losing text', () => {
    const long = Array.from({ length: 50 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    const parts = splitMessage(message([{ type: 'paragraph', text: long }]), { maxUnits: 50, maxChars: 400, maxBlockChars: 300 });
    const texts = parts.flatMap((p) => p.blocks.map((b) => (b as { text: string }).text));
    expect(texts.every((t) => t.length <= 300)).toBe(true);
    expect(texts.join(' ')).toBe(long);
  });

  it('truncates at a word end with an ellipsis', () => {
    expect(truncate('The quick brown fox jumps over the lazy dog', 20)).toBe('The quick brown fox…');
    expect(truncate('short', 20)).toBe('short');
  });
});
