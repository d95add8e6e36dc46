import { describe, expect, it } from 'vitest';
import { SUMMARY_MODEL } from '../src/summarize/model.js';
import { pickSentences, scoreSentence, sentenceFeatures, summarizeText } from '../src/summarize/summarize.js';

const story = [
  'Flood waters rose across the river valley on Sunday, forcing hundreds of families from their homes in three towns.',
  'Emergency crews used boats to reach residents trapped on rooftops, and the regional government opened six shelters in schools.',
  'Nobody saw it coming.',
  'Officials said the river peaked at 7.2 metres, the highest level since records began in 1952.',
  'Forecasters expect more rain across the region later this week, and warned that levees could fail.',
].join('\n');

describe('summary sentence choice', () => {
  it('passes over a fragment in the lead ("Nobody saw it coming.") for a sentence that carries the story', () => {
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
    const title = 'floods force families from homes in river valley';
    expect(summarizeText(tokenized, { title }).sentences.map((s) => s.slice(0, 20))).toEqual(['flood waters rose ac', 'emergency crews used', 'officials said the r']);
  });
});

describe('summary redundancy', () => {
  const rates = [
    'The central bank raised its main interest rate to 4.5% on Thursday, the sixth rise in a row, to slow prices that are still climbing.',
    'The central bank raised its main interest rate to 4.5%, its highest level since 2008.',
    'Shops reported falling sales in the run-up to the decision, and builders said orders for new homes had dried up.',
    'Economists expect one more rise before the summer.',
    'The governor said the bank would act again if wages kept growing faster than output.',
    'Markets had expected the move.',
  ];

  it('keeps the lede and drops a sentence that restates it, even one that scores higher', () => {
    const title = 'Central bank raises rates again';
    const features = sentenceFeatures(rates, { title });
    expect(scoreSentence(features[1], SUMMARY_MODEL)).toBeGreaterThan(scoreSentence(features[0], SUMMARY_MODEL));
    expect(summarizeText(rates.join('\n'), { title }).sentences).toEqual([rates[0], rates[2], rates[3]]);
  });

  it('never picks two sentences sharing a three-word run', () => {
    const features = sentenceFeatures(rates);
    expect(pickSentences(rates, features, 6)).toEqual([0, 2, 3, 4, 5]);
  });
});
