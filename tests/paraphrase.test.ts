/**
 * Questions that name a thing by a compound ("interest rate") answered by a sentence
 * that names it by another ("benchmark rate"), in a store where the modifier is unknown
 * and the head word is common.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask } from '../src/ask/answer.js';
import { storeArticle } from '../src/articles/ingest.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { Store } from '../src/store/store.js';

const FED = 'The Federal Reserve held its benchmark rate steady at 4.25% on Wednesday, saying inflation had eased but remained above its 2% goal.';

const ARTICLES: [string, string][] = [
  ['Fed holds rates steady as inflation cools', `${FED}\nFed Chair Jerome Powell told reporters that the committee would watch incoming data before deciding on any cut.\nStocks rose after the announcement.`],
  ['Jobless rate edges up', 'The unemployment rate rose to 4.4% in October, the Labor Department said.\nEmployers added 150,000 jobs, fewer than economists had forecast.\nThe participation rate was unchanged.'],
  ['Shilling slips', 'The Kenyan shilling weakened against the dollar as the exchange rate reached 130 shillings.\nTraders blamed strong demand from importers.'],
  ['Birth rate falls again', 'The birth rate in South Korea fell to a record low last year, statistics showed.\nThe government has offered cash to new parents.'],
  ['Malaysia and Kenya upgrade ties', 'Malaysia and Kenya agreed to upgrade their diplomatic ties to a strategic partnership.\nBoth leaders signed four legal instruments that target several strategic sectors.\nBilateral trade reached 5.7 billion ringgit ($1.37 billion).'],
  ['Copper output climbs', 'Zambian copper output reached 760,000 tonnes, officials said.\nThe growth rate of mining exports doubled.'],
];

let dir: string;
let store: Store;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'briefbot-paraphrase-'));
  store = openSqliteStore(join(dir, 'store.db'));
  for (const [i, [title, body]] of ARTICLES.entries()) {
    await storeArticle(store, { title, body, source: 'Example News', url: `https://example.com/${i}`, publishedAt: '2026-11-20T12:00:00.000Z', publishedAtSource: 'page', language: 'en' });
  }
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('paraphrased questions', () => {
  it('answers "what is the interest rate?" with the benchmark rate', async () => {
    expect((await ask(store, 'what is the interest rate?')).answer?.sentence).toBe(FED);
  });

  it('still abstains when the subject itself is unknown', async () => {
    expect((await ask(store, 'What is the mortgage rate in Japan?')).answer).toBeNull();
    expect((await ask(store, 'who won the world cup?')).answer).toBeNull();
  });
});
