import { describe, expect, it } from 'vitest';
import { summarizeText } from '../src/summarize/summarize.js';

const story = [
  'Flood waters rose across the river valley on Sunday, forcing hundreds of families from their homes in three towns.',
  'Nobody in the valley had seen anything like it.',
  'Emergency crews used boats to reach residents trapped on rooftops, and the regional government opened six shelters in schools.',
  'Officials said the river peaked at 7.2 metres, the highest level since records began in 1952.',
  'Forecasters expect more rain across the region later this week, and warned that levees could fail.',
].join('\n');

describe('summary sentence choice', () => {
  it('passes over a short teaser in the lead for sentences that carry the story', () => {
    expect(summarizeText(story, { title: 'Floods force families from homes in river valley' }).sentences).toEqual([
      'Flood waters rose across the river valley on Sunday, forcing hundreds of families from their homes in three towns.',
      'Emergency crews used boats to reach residents trapped on rooftops, and the regional government opened six shelters in schools.',
      'Officials said the river peaked at 7.2 metres, the highest level since records began in 1952.',
    ]);
  });

  it('makes the same choice on a lowercased, tokenized copy (as CNN/DM is released)', () => {
    const tokenized = story
      .toLowerCase()
      .replace(/([,.])/g, ' $1');
    expect(summarizeText(tokenized).sentences.map((s) => s.slice(0, 20))).toEqual(['flood waters rose ac', 'emergency crews used', 'officials said the r']);
  });
});
