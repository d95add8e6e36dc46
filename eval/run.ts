/** Quality evaluations: `npm run eval -- <extract|summarize|ask> [options]`. */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { defaultData } from './common.js';
import { runExtract } from './extract.js';
import { runSummarize } from './summarize.js';
import { runAsk } from './ask.js';

const program = new Command('eval').description('briefbot quality evaluations on the shared development sets');

program
  .command('extract')
  .description('main-text extraction F1 on the article-extraction-benchmark pages (readability alone as baseline)')
  .option('--data <dir>', 'folder with pages/<id>.html and truth.jsonl', defaultData('extraction'))
  .option('--out <file>', 'write {id, body} per line')
  .option('--json', 'print the figures as one JSON object')
  .option('--pages', 'also print per-page precision and recall, worst first')
  .action(async (o: { data: string; out?: string; json?: boolean; pages?: boolean }) => {
    await runExtract({ ...o, data: resolve(o.data), out: o.out && resolve(o.out) });
  });

program
  .command('summarize')
  .description('ROUGE-1/2/Lsum of the summarizer against reference highlights, with Lead-3 from the same run')
  .option('--data <file>', 'JSONL rows {id, article, reference}', defaultData('summarization/cnndm-dev.jsonl'))
  .option('--sentences <n>', 'sentences per summary', (v) => Number.parseInt(v, 10), 3)
  .option('--format <kind>', 'auto | tokenized (lowercased CNN/DM release) | natural', 'auto')
  .option('--limit <n>', 'only the first n rows', (v) => Number.parseInt(v, 10))
  .option('--out <file>', 'write {id, summary, lead3, rouge} per line')
  .option('--json', 'print the figures as one JSON object')
  .action((o: { data: string; sentences: number; format: 'auto' | 'tokenized' | 'natural'; limit?: number; out?: string; json?: boolean }) => {
    runSummarize({ ...o, data: resolve(o.data), out: o.out && resolve(o.out) });
  });

program
  .command('ask')
  .description('top-1 answer sentences over a store of every paragraph/passage, with the FTS5 BM25 baseline from the same store')
  .option('--squad <file>', 'SQuAD v1.1 JSON (e.g. ../shared/eval/qa/squad-dev.json)')
  .option('--realtimeqa <file>', 'RealTimeQA JSONL (e.g. ../shared/eval/qa/realtimeqa-dev.jsonl)')
  .option('--limit <n>', 'only the first n questions', (v) => Number.parseInt(v, 10))
  .option('--out <file>', 'write per-question results as JSONL')
  .option('--json', 'print the figures as one JSON object')
  .action(async (o: { squad?: string; realtimeqa?: string; limit?: number; out?: string; json?: boolean }) => {
    if (!o.squad === !o.realtimeqa) program.error('give exactly one of --squad <file.json> or --realtimeqa <file.jsonl>');
    await runAsk({ ...o, squad: o.squad && resolve(o.squad), realtimeqa: o.realtimeqa && resolve(o.realtimeqa), out: o.out && resolve(o.out) });
  });

await program.parseAsync(process.argv);
