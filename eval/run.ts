/** Quality evaluations: `npm run eval -- <extract|summarize|ask|stories|figures> [options]`. */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { defaultData, repoRoot } from './common.js';
import { runExtract } from './extract.js';
import { runSummarize } from './summarize.js';
import { runAsk } from './ask.js';
import { runStories } from './stories.js';
import { runFigures } from './figures.js';
import { loadConfig } from '../src/config.js';

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
  .option('--folds <n>', 'cross-validation folds by article (0: none)', (v) => Number.parseInt(v, 10), 5)
  .option('--fit', 'also print the model fitted on all rows, for src/summarize/model.ts (sentence weights on a set without headlines, the headline weight on one with them)')
  .option('--json', 'print the figures as one JSON object')
  .action((o: { data: string; sentences: number; format: 'auto' | 'tokenized' | 'natural'; limit?: number; out?: string; json?: boolean; folds: number; fit?: boolean }) => {
    runSummarize({ ...o, data: resolve(o.data), out: o.out && resolve(o.out) });
  });

program
  .command('ask')
  .description('top-1 answer sentences over a store of every paragraph/passage: grouped cross-validation, dev figure, and the FTS5 BM25 baseline from the same store')
  .option('--squad <file>', 'SQuAD v1.1 JSON (e.g. ../shared/eval/qa/squad-dev.json)')
  .option('--realtimeqa <file>', 'RealTimeQA JSONL (e.g. ../shared/eval/qa/realtimeqa-dev.jsonl)')
  .option('--limit <n>', 'only the first n questions', (v) => Number.parseInt(v, 10))
  .option('--folds <n>', 'grouped cross-validation folds (by article for SQuAD, by publication week for RealTimeQA); 0 for none', (v) => Number.parseInt(v, 10), 5)
  .option('--out <file>', 'write per-question results as JSONL')
  .option('--json', 'print the figures as one JSON object')
  .option('--store <kind>', 'sqlite (a temporary file) or postgres (a scratch database, dropped afterwards); default postgres when DATABASE_URL is set')
  .option('--database-url <url>', 'PostgreSQL server for --store postgres (default DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres)')
  .action(async (o: { squad?: string; realtimeqa?: string; limit?: number; folds: number; out?: string; json?: boolean; store?: string; databaseUrl?: string }) => {
    if (!o.squad && !o.realtimeqa) program.error('give --squad <file.json>, --realtimeqa <file.jsonl> or both (both: the weights are fitted on both, as shipped)');
    const databaseUrl = o.databaseUrl ?? loadConfig().databaseUrl;
    const kind = o.store ?? (databaseUrl ? 'postgres' : 'sqlite');
    if (kind !== 'sqlite' && kind !== 'postgres') return program.error('--store is sqlite or postgres');
    const store: 'sqlite' | 'postgres' = kind;
    await runAsk({ ...o, store, databaseUrl, squad: o.squad && resolve(o.squad), realtimeqa: o.realtimeqa && resolve(o.realtimeqa), out: o.out && resolve(o.out) });
  });

program
  .command('stories')
  .description('same-story grouping (the brief builder\'s) on AllSides story groups: pairwise and B-cubed F1, grouped cross-validation first, TF-IDF single link as baseline')
  .option('--data <file>', 'JSONL rows {id, cluster, title, source, publishedAt, body}', defaultData('clustering/stories-dev.jsonl'))
  .option('--out <file>', 'write {id, cluster} per article (the shipped parameters)')
  .option('--folds <n>', 'cross-validation folds (by story)', (v) => Number.parseInt(v, 10), 5)
  .option('--json', 'print the figures as one JSON object')
  .action((o: { data: string; out?: string; folds: number; json?: boolean }) => {
    runStories({ ...o, data: resolve(o.data), out: o.out && resolve(o.out) });
  });

program
  .command('figures')
  .description('key figures (whole spans) and their labels against the hand-labelled sentences in eval/data/figures.jsonl (dev, per article fold) and eval/data/figures-heldout.jsonl (held-out), beside the extractor before them')
  .option('--data <file>', 'JSONL rows {item, sentence, figures: [{span, label: [accepted...] | null}]}', resolve(repoRoot, 'eval/data/figures.jsonl'))
  .option('--heldout <file>', 'the same format, from articles the dev set never drew from', resolve(repoRoot, 'eval/data/figures-heldout.jsonl'))
  .option('--folds <n>', 'folds by article for per-fold figures', (v) => Number.parseInt(v, 10), 3)
  .option('--errors', 'print every wrong span and label on the dev set')
  .option('--errors-fold <k>', 'with --errors, only those of dev fold k (1-based)', (v) => Number.parseInt(v, 10))
  .option('--json', 'print the figures as one JSON object')
  .action((o: { data: string; heldout: string; folds: number; errors?: boolean; errorsFold?: number; json?: boolean }) => {
    runFigures({ ...o, data: resolve(o.data), heldout: resolve(o.heldout) });
  });

await program.parseAsync(process.argv);
