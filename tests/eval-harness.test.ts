import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { containsAnswer, evaluateCorpus, fold, loadRealtimeQa, loadSquad } from '../eval/ask.js';
import { tokenizedToLines } from '../eval/summarize.js';

const dir = mkdtempSync(join(tmpdir(), 'briefbot-eval-harness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('answer matching', () => {
  it('folds case and punctuation', async () => {
    expect(fold('The U.S. paid $1.5-billion, or 1,500 million!')).toBe('the u s paid 15 billion or 1500 million');
  });
  it('needs the answer as whole words of the sentence', async () => {
    expect(containsAnswer('The Denver Broncos won Super Bowl 50.', ['denver broncos'])).toBe(true);
    expect(containsAnswer('It cost $1,500 in 2019.', ['1,500'])).toBe(true);
    expect(containsAnswer('It cost $1,500 in 2019.', ['500'])).toBe(false);
    expect(containsAnswer('Anything.', ['', '...'])).toBe(false);
  });
});

describe('CNN/DM tokenized text to sentence lines', () => {
  it('cuts at the " . " tokens, keeping closing quotes with their sentence', async () => {
    expect(tokenizedToLines("( cnn ) it 's over . he said `` no way . '' then left ! u.s. officials agree .")).toBe(
      "( cnn ) it 's over .\nhe said `` no way . ''\nthen left !\nu.s. officials agree .",
    );
  });
});

describe('ask evaluation corpora', () => {
  const squad = join(dir, 'squad.json');
  writeFileSync(
    squad,
    JSON.stringify({
      data: [
        {
          title: 'Harbour_Bridge',
          paragraphs: [
            {
              context: 'The harbour bridge opened in 1932. It carries eight lanes of traffic and two railway tracks.',
              qas: [
                { id: 'q1', question: 'When did the harbour bridge open?', answers: [{ text: '1932' }, { text: '1932' }] },
                { id: 'q2', question: 'How many railway tracks does the bridge carry?', answers: [{ text: 'two' }] },
              ],
            },
          ],
        },
        { title: 'Glacier', paragraphs: [{ context: 'The glacier retreated by forty metres last summer, scientists reported.', qas: [] }] },
      ],
    }),
  );

  it('loads SQuAD paragraphs as articles titled by their page, answers de-duplicated', async () => {
    const c = loadSquad(squad);
    expect(c.articles.map((a) => [a.title, a.body.slice(0, 20)])).toEqual([
      ['Harbour Bridge', 'The harbour bridge o'],
      ['Glacier', 'The glacier retreate'],
    ]);
    expect(c.questions.map((q) => [q.id, q.answers])).toEqual([
      ['q1', ['1932']],
      ['q2', ['two']],
    ]);
  });

  it('keeps RealTimeQA questions answerable from their own passage and stores each passage once', async () => {
    const file = join(dir, 'rtqa.jsonl');
    const row = (id: string, question: string, answer: string, evidence: string) =>
      JSON.stringify({ id, date: '2022/05/06', source: 'CNN', url: 'https://example.com/quiz', question, choices: [], answer: [answer], evidence });
    writeFileSync(
      file,
      [
        row('a', 'Which city hosted the summit?', 'Lisbon', 'Leaders met in  Lisbon for the summit. It ended on Friday.'),
        row('b', 'Which day did the summit end?', 'Friday', 'Leaders met in Lisbon for the summit. It ended on Friday.'),
        row('c', 'Who won?', 'Nobody', 'The match was postponed.'),
      ].join('\n'),
    );
    const c = loadRealtimeQa(file);
    expect(c.articles).toHaveLength(2);
    expect(c.articles[0]).toMatchObject({ title: 'Leaders met in Lisbon for the summit.', url: 'https://example.com/quiz#a', publishedAt: '2022-05-06T12:00:00.000Z' });
    expect(c.questions.map((q) => q.id)).toEqual(['a', 'b']);
  });

  it('runs questions through a fresh store and scores the ask path and the BM25 baseline on it', async () => {
    const f = await evaluateCorpus(loadSquad(squad), {});
    expect(f.articles).toBe(2);
    expect(f.questions).toBe(2);
    expect(f.numeric.questions).toBe(1);
    // BM25 over "harbour bridge open" and "railway tracks bridge carry" finds the one sentence stating each.
    expect(f.baseline.accuracy).toBe(1);
    expect(f.accuracy + f.abstention).toBeLessThanOrEqual(1);
  });
});
