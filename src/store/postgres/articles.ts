import { countHeadlineWords, HEADLINE_WORDS_ARTICLES } from '../headline-words.js';
import type pg from 'pg';
import type { AddResult, Article, ArticleBatchItem, ArticleStore, ArticleWithSummary, SentenceRow, StoryCandidate } from '../store.js';
import {
  bm25,
  contentHash,
  distinctWords,
  indexStems,
  pairsWithin,
  rarestWithin,
  RETRIEVAL,
  scoreCandidates,
  vocabularyStem,
  weighTerms,
  type WeightedTerm,
} from '../retrieval.js';
import { addPostings, POSTING_STEM_MAX, POSTINGS_CAP } from './postings.js';
import { CANDIDATE_COLUMNS, summaryColumns, toArticle, toArticleWithSummary, toStoryCandidate, type ArticleRow, type CandidateRow } from '../article-row.js';

const STATS_TTL_MS = 5_000;
/** Statements the pair lookups of one question are spread over (connections it holds at once). */
const PAIR_STATEMENTS = 3;

const SENTENCE_COLUMNS = 'article_id AS "articleId", idx AS "index", text, kinds';
type SentenceRecord = { articleId: string; index: number; text: string; kinds: number };
/** A sentence with its id, as the retrieval lookups return it. */
type Candidate = { id: number; row: SentenceRow };
const toSentence = (r: SentenceRecord): SentenceRow => ({
  articleId: Number(r.articleId),
  index: r.index,
  text: r.text,
  kinds: r.kinds,
});
const toCandidate = (r: SentenceRecord & { id: string }): Candidate => ({ id: Number(r.id), row: toSentence(r) });
/** A sentence holding some of the scored terms: its length in stems and each term's count in it (its row when read whole). */
type Posting = { id: number; tokens: number; tf: number[]; row?: SentenceRow };

/** The sentences whose ids `ids` (a query) selects, newest first. */
const newestSql = (ids: string) => `(SELECT id, ${SENTENCE_COLUMNS} FROM sentences WHERE id IN (${ids}) ORDER BY id DESC)`;

/**
 * Whether the postings index holds every sentence of every term: each term one stem, the
 * one its count was looked up by, within the cap (src/store/postgres/postings.ts). Terms
 * with no stem are left out by the caller.
 */
function inPostings(terms: WeightedTerm[]): boolean {
  return terms.every((t) => {
    const stems = indexStems(t.word);
    return stems.length === 1 && stems[0] === vocabularyStem(t.word) && stems[0].length <= POSTING_STEM_MAX && t.df <= POSTINGS_CAP;
  });
}

/**
 * A full-text query over the words, built from parameters only: each word becomes the
 * phrase of its index stems (phraseto_tsquery of data, never tsquery syntax), joined
 * with `op` ('||' any, '&&' all). Undefined when no word has a letter or digit.
 */
function tsQuery(words: string[], op: '||' | '&&', params: unknown[]): string | undefined {
  const parts: string[] = [];
  for (const w of words) {
    const stems = indexStems(w);
    if (stems.length === 0) continue;
    params.push(stems.join(' '));
    parts.push(`phraseto_tsquery('simple', $${params.length})`);
  }
  return parts.length ? `(${parts.join(` ${op} `)})` : undefined;
}

/**
 * The condition for the window's articles about any of the topics: a topic is every word in
 * some sentence of the article (headline included), each an index-stem phrase. undefined when
 * no topic can match.
 */
function aboutQuery(since: Date, until: Date, topics: string[][]): { where: string; params: unknown[] } | undefined {
  const params: unknown[] = [since.toISOString(), until.toISOString()];
  const conditions = topics.flatMap((topic) => {
    const words = [...new Set(topic.map((w) => w.toLowerCase()))];
    const parts = words.map((w) => tsQuery([w], '||', params));
    if (parts.length === 0 || parts.some((q) => q === undefined)) return [];
    return [`(${parts.map((q) => `EXISTS (SELECT 1 FROM sentences s WHERE s.article_id = a.id AND s.tsv @@ ${q})`).join(' AND ')})`];
  });
  if (conditions.length === 0) return undefined;
  return { where: `a.published_at >= $1 AND a.published_at < $2 AND (${conditions.join(' OR ')})`, params };
}

/** Occurrences of the phrase `phrase` (stems) in the stem list of a sentence. */
function occurrences(stems: string[], phrase: string[]): number {
  let n = 0;
  for (let i = 0; i + phrase.length <= stems.length; i++) {
    let ok = true;
    for (let j = 0; j < phrase.length && ok; j++) ok = stems[i + j] === phrase[j];
    if (ok) n++;
  }
  return n;
}

/**
 * Articles and sentences on PostgreSQL. Retrieval takes the same bounded steps as the
 * SQLite store (src/store/retrieval.ts) with a GIN index over the sentences' stems;
 * BM25 is scored in process exactly as FTS5 scores it, so both stores hand the
 * answerer the same candidates.
 */
export class PgArticleStore implements ArticleStore {
  /**
   * Statistics read in the last few seconds: the answerer asks for a question's words
   * twice in a row (to weigh them, then to retrieve). Cleared by this process's own
   * writes; another process's writes show after STATS_TTL_MS, which moves no weight
   * noticeably.
   */
  private stats = { at: 0, df: new Map<string, number>(), totals: undefined as { sentences: number; tokens: number } | undefined };

  constructor(private readonly pool: pg.Pool) {}

  private freshStats(): typeof this.stats {
    if (Date.now() - this.stats.at > STATS_TTL_MS || this.stats.df.size > 50_000) this.stats = { at: Date.now(), df: new Map(), totals: undefined };
    return this.stats;
  }

  async add(input: ArticleBatchItem['input'], analysis: ArticleBatchItem['analysis']): Promise<AddResult> {
    return (await this.addMany([{ input, analysis }]))[0];
  }

  async addMany(items: ArticleBatchItem[]): Promise<AddResult[]> {
    if (items.length === 0) return [];
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const results: AddResult[] = [];
      // Per stem: sentences added holding it; kept in one map so the batch updates each count once.
      const stemDocs = new Map<string, number>();
      let sentences = 0;
      let tokens = 0;
      const rows = { article: [] as number[], idx: [] as number[], text: [] as string[], kinds: [] as number[], stems: [] as string[], tokens: [] as number[] };
      for (const { input, analysis, ingestedAt } of items) {
        const hash = contentHash(input.body);
        const { summaryJson, story } = summaryColumns(input.title, analysis.summary);
        // A duplicate of a stored article, or of one added earlier in this batch or by another process
        // (ON CONFLICT waits for that one to commit), is reported with the article it matched.
        const inserted = await client.query<{ id: string }>(
          `INSERT INTO articles (title, source, url, published_at, published_at_source, language, body, content_hash, ingested_at, summary_json, story)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id`,
          [
            input.title,
            input.source,
            input.url ?? null,
            input.publishedAt,
            input.publishedAtSource,
            input.language ?? null,
            input.body,
            hash,
            ingestedAt ?? new Date().toISOString(),
            summaryJson,
            story,
          ],
        );
        if (!inserted.rows[0]) {
          const dup = await client.query<{ id: string; reason: 'url' | 'body' }>(
            `SELECT id, 'url' AS reason FROM articles WHERE url = $1
             UNION ALL SELECT id, 'body' FROM articles WHERE content_hash = $2 ORDER BY reason DESC LIMIT 1`,
            [input.url ?? null, hash],
          );
          if (!dup.rows[0]) throw new Error('article insert conflicted with no stored article');
          results.push({ status: 'duplicate', id: Number(dup.rows[0].id), reason: dup.rows[0].reason });
          continue;
        }
        const id = Number(inserted.rows[0].id);
        const stems = analysis.sentences.map((s) => indexStems(s.text));
        for (const list of stems) {
          for (const s of new Set(list)) stemDocs.set(s, (stemDocs.get(s) ?? 0) + 1);
          tokens += list.length;
        }
        sentences += stems.length;
        analysis.sentences.forEach((sentence, i) => {
          rows.article.push(id);
          rows.idx.push(i);
          rows.text.push(sentence.text);
          rows.kinds.push(sentence.kinds);
          rows.stems.push(stems[i].join(' '));
          rows.tokens.push(stems[i].length);
        });
        results.push({ status: 'added', id });
      }
      // Every sentence of the batch in one statement: a round trip per article is the ingest's main cost.
      if (rows.article.length) {
        await client.query(
          `INSERT INTO sentences (article_id, idx, text, kinds, stems, tokens)
           SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::int[], $5::text[], $6::int[])`,
          [rows.article, rows.idx, rows.text, rows.kinds, rows.stems, rows.tokens],
        );
      }
      if (stemDocs.size) {
        // Sorted, so concurrent batches lock shared stems in one order and never deadlock.
        const entries = [...stemDocs.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        const counted = await client.query<{ stem: string; docs: string }>(
          `INSERT INTO stem_counts (stem, docs) SELECT u.s, u.n FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS u(s, n, i) ORDER BY u.i
           ON CONFLICT (stem) DO UPDATE SET docs = stem_counts.docs + excluded.docs RETURNING stem, docs`,
          [entries.map((e) => e[0]), entries.map((e) => e[1])],
        );
        // The stem_counts rows stay locked until COMMIT: a concurrent batch sharing a stem sees these counts and postings.
        const crossed = counted.rows.filter((r) => Number(r.docs) > POSTINGS_CAP && Number(r.docs) - stemDocs.get(r.stem)! <= POSTINGS_CAP).map((r) => r.stem);
        await addPostings(client, 's.article_id = ANY($1::bigint[])', [results.flatMap((r) => (r.status === 'added' ? [r.id] : []))], crossed);
      }
      if (sentences) await client.query('UPDATE store_totals SET sentences = sentences + $1, tokens = tokens + $2', [sentences, tokens]);
      await client.query('COMMIT');
      if (sentences) this.stats.at = 0;
      return results;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async get(id: number): Promise<Article | undefined> {
    const r = await this.pool.query<ArticleRow>('SELECT * FROM articles WHERE id = $1', [id]);
    return r.rows[0] && toArticle(r.rows[0]);
  }

  async count(): Promise<number> {
    return Number((await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM articles')).rows[0].n);
  }

  async frequentHeadlineWords(limit: number): Promise<{ word: string; count: number }[]> {
    const r = await this.pool.query<{ title: string }>('SELECT title FROM articles ORDER BY published_at DESC LIMIT $1', [HEADLINE_WORDS_ARTICLES]);
    return countHeadlineWords(
      r.rows.map((row) => row.title),
      limit,
    );
  }

  async totalSentences(): Promise<number> {
    return (await this.totals()).sentences;
  }

  private async totals(): Promise<{ sentences: number; tokens: number }> {
    const stats = this.freshStats();
    if (stats.totals) return stats.totals;
    const r = (await this.pool.query<{ sentences: string; tokens: string }>('SELECT sentences, tokens FROM store_totals')).rows[0];
    stats.totals = { sentences: Number(r?.sentences ?? 0), tokens: Number(r?.tokens ?? 0) };
    return stats.totals;
  }

  async inWindow(since: Date, until: Date, limit = 10_000): Promise<ArticleWithSummary[]> {
    const r = await this.pool.query<ArticleRow>('SELECT * FROM articles WHERE published_at >= $1 AND published_at < $2 ORDER BY published_at DESC LIMIT $3', [
      since.toISOString(),
      until.toISOString(),
      limit,
    ]);
    return r.rows.map((row) => toArticleWithSummary(row));
  }

  async inWindowAbout(since: Date, until: Date, topics: string[][], limit = 10_000): Promise<ArticleWithSummary[]> {
    const about = aboutQuery(since, until, topics);
    if (!about) return [];
    about.params.push(limit);
    const r = await this.pool.query<ArticleRow>(
      `SELECT a.* FROM articles a WHERE ${about.where} ORDER BY a.published_at DESC LIMIT $${about.params.length}`,
      about.params,
    );
    return r.rows.map((row) => toArticleWithSummary(row));
  }

  async storyCandidates(since: Date, until: Date, topics?: string[][], limit = 10_000): Promise<StoryCandidate[]> {
    const about = topics ? aboutQuery(since, until, topics) : { where: 'a.published_at >= $1 AND a.published_at < $2', params: [since.toISOString(), until.toISOString()] };
    if (!about) return [];
    about.params.push(limit);
    const r = await this.pool.query<CandidateRow>(
      `SELECT ${CANDIDATE_COLUMNS} FROM articles a WHERE ${about.where} ORDER BY a.published_at DESC, a.id DESC LIMIT $${about.params.length}`,
      about.params,
    );
    return r.rows.map(toStoryCandidate);
  }

  async withSummaries(ids: number[]): Promise<ArticleWithSummary[]> {
    if (ids.length === 0) return [];
    const r = await this.pool.query<ArticleRow>('SELECT * FROM articles WHERE id = ANY($1::bigint[]) ORDER BY published_at DESC', [ids]);
    return r.rows.map((row) => toArticleWithSummary(row));
  }

  async sentences(articleId: number): Promise<SentenceRow[]> {
    const r = await this.pool.query(`SELECT ${SENTENCE_COLUMNS} FROM sentences WHERE article_id = $1 ORDER BY idx`, [articleId]);
    return r.rows.map(toSentence);
  }

  async readArticles(ids: number[]): Promise<Map<number, { article: Article; sentences: SentenceRow[] }>> {
    const out = new Map<number, { article: Article; sentences: SentenceRow[] }>();
    if (ids.length === 0) return out;
    const [articles, sentences] = await Promise.all([
      this.pool.query<ArticleRow>('SELECT * FROM articles WHERE id = ANY($1::bigint[])', [ids]),
      this.pool.query(`SELECT ${SENTENCE_COLUMNS} FROM sentences WHERE article_id = ANY($1::bigint[]) ORDER BY article_id, idx`, [ids]),
    ]);
    for (const r of articles.rows) out.set(Number(r.id), { article: toArticle(r), sentences: [] });
    for (const r of sentences.rows) out.get(Number(r.articleId))?.sentences.push(toSentence(r));
    return out;
  }

  async termFrequencies(words: string[]): Promise<Map<string, number>> {
    const unique = [...new Set(words)];
    const stats = this.freshStats();
    const missing = [...new Set(unique.map(vocabularyStem))].filter((s) => !stats.df.has(s));
    if (missing.length) {
      const r = await this.pool.query<{ stem: string; docs: string }>('SELECT stem, docs FROM stem_counts WHERE stem = ANY($1::text[])', [missing]);
      const docs = new Map(r.rows.map((row) => [row.stem, Number(row.docs)]));
      for (const s of missing) stats.df.set(s, docs.get(s) ?? 0);
    }
    return new Map(unique.map((w) => [w, stats.df.get(vocabularyStem(w)) ?? 0]));
  }

  async searchSentences(words: string[], limit: number): Promise<(SentenceRow & { rank: number })[]> {
    const unique = distinctWords(words);
    if (unique.length === 0 || limit <= 0) return [];
    const [df, totals] = await Promise.all([this.termFrequencies(unique), this.totals()]);
    const terms = weighTerms(unique, (w) => df.get(w) ?? 0, Math.max(1, totals.sentences));
    // 0. Few postings in all: BM25 over every word is cheap, and exact.
    if (terms.reduce((a, t) => a + t.df, 0) <= RETRIEVAL.exactBudget) {
      return (await this.withRows(await this.bm25Ranked(terms, limit, totals, false))).map(({ row, rank }) => ({ ...row, rank }));
    }
    // 1. BM25 over the rarest words, within the posting budget, and at the same time
    // 2. the newest sentences holding two of the words, rarest pairs first. A pair with a common
    // word reads the heap row of every sentence holding both, so the pairs go out as a few
    // statements side by side, returning their sentences whole (fetching them again by id would
    // be one more round trip, which a loaded server makes slow).
    const { rare, fits } = rarestWithin(terms, RETRIEVAL.postingBudget);
    const pairs = pairsWithin(terms);
    const per = Math.ceil(pairs.length / PAIR_STATEMENTS);
    const statements: Promise<Candidate[]>[] = [];
    for (let from = 0; from < pairs.length; from += per) {
      const params: unknown[] = [];
      const lookups: string[] = [];
      for (const [x, y] of pairs.slice(from, from + per)) {
        if (inPostings([x, y])) {
          // Both rare: the newest sentences holding both, from the postings alone; only those sentences are read.
          params.push(indexStems(x.word)[0], indexStems(y.word)[0]);
          lookups.push(newestSql(`SELECT a.sentence_id FROM sentence_postings a JOIN sentence_postings b ON b.sentence_id = a.sentence_id AND b.stem = $${params.length} WHERE a.stem = $${params.length - 1} ORDER BY a.sentence_id DESC LIMIT ${RETRIEVAL.perPair}`));
          continue;
        }
        const q = tsQuery([x.word, y.word], '&&', params);
        if (q) lookups.push(`(SELECT id, ${SENTENCE_COLUMNS} FROM sentences WHERE tsv @@ ${q} ORDER BY id DESC LIMIT ${RETRIEVAL.perPair})`);
      }
      if (lookups.length) statements.push(this.pool.query<SentenceRecord & { id: string }>(lookups.join(' UNION ALL '), params).then((r) => r.rows.map(toCandidate)));
    }
    const [ranked, ...paired] = await Promise.all([fits ? this.bm25Ranked(rare, limit, totals, true) : [], ...statements]);
    const found: Candidate[] = [...ranked, ...paired.flat()];
    // 3. Only common words, none together: the newest sentences holding the rarest.
    if (found.length === 0) {
      const p: unknown[] = [];
      const q = tsQuery([terms[0].word], '||', p);
      if (inPostings([terms[0]])) {
        // From the postings: the planner would walk the primary key backwards reading every sentence until enough
        // hold the word, which for a word of a few thousand sentences, mostly old ones, is ten thousand pages or more.
        const r = await this.pool.query<SentenceRecord & { id: string }>(
          newestSql('SELECT sentence_id FROM sentence_postings WHERE stem = $1 ORDER BY sentence_id DESC LIMIT $2'),
          [indexStems(terms[0].word)[0], limit],
        );
        found.push(...r.rows.map(toCandidate));
      } else if (q) {
        p.push(limit);
        const r = await this.pool.query<SentenceRecord & { id: string }>(`SELECT id, ${SENTENCE_COLUMNS} FROM sentences WHERE tsv @@ ${q} ORDER BY id DESC LIMIT $${p.length}`, p);
        found.push(...r.rows.map(toCandidate));
      }
    }
    // Each sentence once, where it was first found.
    const byId = new Map<number, SentenceRow>();
    for (const c of found) if (!byId.has(c.id)) byId.set(c.id, c.row);
    return scoreCandidates([...byId.values()], terms, limit);
  }

  /**
   * The best `limit` sentences by FTS5's BM25 over the terms (every sentence holding any
   * of them is scored: callers keep that within a posting budget), best first, ties by id;
   * `whole`: with their rows (else only ids: the exact query fetches the best ones' rows
   * itself). The postings come from the narrow postings index when it holds every term
   * (src/store/postgres/postings.ts), else from the GIN index and the sentences heap.
   */
  private async bm25Ranked(terms: WeightedTerm[], limit: number, totals: { sentences: number; tokens: number }, whole: true): Promise<(Candidate & { rank: number })[]>;
  private async bm25Ranked(terms: WeightedTerm[], limit: number, totals: { sentences: number; tokens: number }, whole: false): Promise<{ id: number; rank: number }[]>;
  private async bm25Ranked(terms: WeightedTerm[], limit: number, totals: { sentences: number; tokens: number }, whole: boolean): Promise<{ id: number; rank: number; row?: SentenceRow }[]> {
    // As in the full-text query, a word with no letter or digit is no phrase.
    const scored = terms.filter((t) => indexStems(t.word).length > 0);
    if (scored.length === 0) return [];
    const postings = inPostings(scored) ? await this.postingsOf(scored) : await this.heapPostings(scored, whole);
    // FTS5 counts, per phrase, the rows holding it: here every such row is in hand.
    const df = scored.map((_, i) => postings.reduce((n, p) => n + (p.tf[i] > 0 ? 1 : 0), 0));
    const total = Math.max(1, totals.sentences);
    const avgLength = Math.max(1, totals.tokens / total);
    const ranked = postings
      .map((p) => ({ id: p.id, row: p.row, rank: bm25({ tf: p.tf, docLength: p.tokens, avgLength, df, total }) }))
      .sort((a, b) => a.rank - b.rank || a.id - b.id)
      .slice(0, limit);
    return !whole || ranked.every((r) => r.row) ? ranked : this.withRows(ranked);
  }

  /** Per sentence holding any of the terms (each one stem, in the postings index): its length and each term's count in it. */
  private async postingsOf(terms: WeightedTerm[]): Promise<Posting[]> {
    const stems = terms.map((t) => indexStems(t.word)[0]);
    const r = await this.pool.query<{ stem: string; id: string; tf: number; tokens: number }>(
      'SELECT stem, sentence_id AS id, tf, tokens FROM sentence_postings WHERE stem = ANY($1::text[])',
      [[...new Set(stems)]],
    );
    const bySentence = new Map<number, Posting>();
    for (const row of r.rows) {
      const id = Number(row.id);
      let p = bySentence.get(id);
      if (!p) bySentence.set(id, (p = { id, tokens: row.tokens, tf: new Array<number>(terms.length).fill(0) }));
      // Two words may share a stem ("elect", "elected"): each is a phrase of its own, as in FTS5.
      stems.forEach((s, i) => {
        if (s === row.stem) p.tf[i] = row.tf;
      });
    }
    return [...bySentence.values()];
  }

  /** The same from the sentences holding any term, through the GIN index (each a page of the sentences heap). */
  private async heapPostings(terms: WeightedTerm[], whole: boolean): Promise<Posting[]> {
    const params: unknown[] = [];
    const q = tsQuery(
      terms.map((t) => t.word),
      '||',
      params,
    );
    if (!q) return [];
    const r = await this.pool.query<SentenceRecord & { id: string; stems: string; tokens: number }>(
      `SELECT id, stems, tokens${whole ? `, ${SENTENCE_COLUMNS}` : ''} FROM sentences WHERE tsv @@ ${q}`,
      params,
    );
    const phrases = terms.map((t) => indexStems(t.word));
    return r.rows.map((row) => {
      const stems = row.stems.split(' ');
      return { id: Number(row.id), row: whole ? toSentence(row) : undefined, tokens: row.tokens, tf: phrases.map((p) => occurrences(stems, p)) };
    });
  }

  /** The ranked sentences with their rows read, in rank order (an id no longer there left out). */
  private async withRows(ranked: { id: number; rank: number }[]): Promise<{ id: number; rank: number; row: SentenceRow }[]> {
    if (ranked.length === 0) return [];
    const r = await this.pool.query<SentenceRecord & { id: string }>(`SELECT id, ${SENTENCE_COLUMNS} FROM sentences WHERE id = ANY($1::bigint[])`, [ranked.map((x) => x.id)]);
    const byId = new Map(r.rows.map((row) => [Number(row.id), toSentence(row)]));
    return ranked.flatMap(({ id, rank }) => {
      const row = byId.get(id);
      return row ? [{ id, rank, row }] : [];
    });
  }

  /** The naive baseline on PostgreSQL: every word OR-ed, PostgreSQL's own ts_rank over every match. */
  async searchSentencesNaive(words: string[], limit: number): Promise<(SentenceRow & { rank: number })[]> {
    const params: unknown[] = [];
    const q = tsQuery(words, '||', params);
    if (!q || limit <= 0) return [];
    params.push(limit);
    const r = await this.pool.query<{ articleId: string; index: number; text: string; kinds: number; rank: number }>(
      `SELECT ${SENTENCE_COLUMNS}, -ts_rank(tsv, x.q) AS rank FROM sentences CROSS JOIN (SELECT ${q} AS q) x WHERE tsv @@ x.q ORDER BY rank, id LIMIT $${params.length}`,
      params,
    );
    return r.rows.map((row) => ({ ...toSentence(row), rank: Number(row.rank) }));
  }
}
