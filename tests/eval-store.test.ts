import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { evaluateCorpus, loadSquad } from '../eval/ask.js';
import { describePostgres, TEST_DATABASE_URL } from './helpers/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'briefbot-eval-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const paragraph = (context: string, qas: [string, string][]) => ({
  context,
  qas: qas.map(([question, answer], i) => ({ id: `${context.slice(0, 8)}-${i}`, question, answers: [{ text: answer }] })),
});

await describePostgres('eval ask on either store', () => {
  it('gives the same figures and the same answers on SQLite and on a scratch PostgreSQL database', async () => {
    const squad = join(dir, 'squad.json');
    writeFileSync(
      squad,
      JSON.stringify({
        data: [
          {
            title: 'Harbour_Bridge',
            paragraphs: [
              paragraph('The harbour bridge opened in 1932. It carries eight lanes of traffic and two railway tracks.', [
                ['When did the harbour bridge open?', '1932'],
                ['How many railway tracks does the bridge carry?', 'two'],
              ]),
              paragraph('Tolls on the bridge were abolished in 1989, when the tunnel beside it opened to traffic.', [['When were the bridge tolls abolished?', '1989']]),
            ],
          },
          {
            title: 'Glacier',
            paragraphs: [
              paragraph('The glacier retreated by forty metres last summer, scientists reported. Its ice is 300 metres thick at the centre.', [
                ['How far did the glacier retreat?', 'forty metres'],
                ['How thick is the ice of the glacier?', '300 metres'],
              ]),
            ],
          },
        ],
      }),
    );
    const sqliteOut = join(dir, 'sqlite.jsonl');
    const postgresOut = join(dir, 'postgres.jsonl');
    const onSqlite = await evaluateCorpus(loadSquad(squad), { out: sqliteOut });
    const onPostgres = await evaluateCorpus(loadSquad(squad), { out: postgresOut, store: 'postgres', databaseUrl: TEST_DATABASE_URL });
    expect(onSqlite).toMatchObject({ articles: 3, questions: 5 });
    expect(onSqlite.accuracy).toBeGreaterThan(0);
    const { baseline: _a, ...sqliteAsk } = onSqlite;
    const { baseline: _b, ...postgresAsk } = onPostgres;
    expect(postgresAsk).toEqual(sqliteAsk);
    const sentences = async (file: string) =>
      (await import('node:fs')).readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { sentence: string | null }).sentence);
    expect(await sentences(postgresOut)).toEqual(await sentences(sqliteOut));
  });
});
