import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureCore } from './fixture-core.js';
import type { CoreOptions } from '../../src/core.js';

/** A story about signing up customers: what a follow-up "what did they sign?" was wrongly answered from. */
export const TIME_WARNER = [
  'Time Warner Cable beats forecasts for broadband customers',
  'Time Warner Cable signed up 120,000 new broadband customers in the third quarter, more than analysts had expected, the company said on Thursday.',
  'The cable operator also said it lost 40,000 video subscribers as viewers turned to streaming services.',
].join('\n');

/** The dialogue of issue 11 and the exact sentences it must get. */
export const SENTENCES = {
  visit: 'Malaysian Prime Minister Anwar Ibrahim conducted an official visit to Kenya on Nov. 23 and 24 at the invitation of President William Ruto.',
  signed: 'Both leaders signed four legal instruments that target several strategic sectors.',
  trade: 'Bilateral trade reached 5.7 billion ringgit ($1.37 billion), dominated by palm oil, petroleum products, metal ores and processed food.',
  timeWarner: 'Time Warner Cable signed up 120,000 new broadband customers in the third quarter, more than analysts had expected, the company said on Thursday.',
};

/** A real core over the Malaysia–Kenya fixture and the Time Warner story. */
export async function makeDialogueCore(core: Omit<CoreOptions, 'store'> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-dialogue-'));
  const file = join(dir, 'time-warner.txt');
  writeFileSync(file, TIME_WARNER);
  const fx = await makeFixtureCore({ articles: [file], core });
  return {
    ...fx,
    async close() {
      await fx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
