import { countHeadlineWords, HEADLINE_WORDS_ARTICLES } from '../headline-words.js';
import { contentHash, distinctWords, pairsWithin, rarestWithin, RETRIEVAL, scoreCandidates, vocabularyStem, weighTerms } from '../retrieval.js';
import type Database from 'better-sqlite3';
import type { AddResult, Article, ArticleAnalysis, ArticleBatchItem, ArticleInput, ArticleStore, ArticleWithSummary, SentenceRow, StoryCandidate } from '../store.js';
import { CANDIDATE_COLUMNS, summaryColumns, toArticle, toArticleWithSummary, toStoryCandidate, type ArticleRow, type CandidateRow } from '../article-row.js';

/** A stemmed term as an FTS5 string literal: user text is always a word, never query syntax. */
export function ftsTerm(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

export { contentHash, RETRIEVAL } from '../retrieval.js';

export class SqliteArticleStore implements ArticleStore {
  private readonly stmts;
  /** Document frequencies and the sentence count, valid while no sentence is written (see fresh()). */
  private readonly dfCache = new Map<string, number>();
  private sentenceCount: number | undefined;
  private dataVersion = -1;
  /** The sentences' state the cached statistics were read in (see indexState()). */
  private statsState: string | undefined;

  constructor(private readonly db: Database.Database) {
    // Answering reads scattered sentence rows; SQLite's default 2 MB page cache sends most of
    // them back to the OS. RETRIEVAL.cacheKb (8 MB) keeps the index's hot pages and recent rows in process.
    db.pragma(`cache_size = -${RETRIEVAL.cacheKb}`);
    this.stmts = {
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      // The newest sentence and the full-text index's structure record (FTS5 keeps it at rowid 10 of
      // its data table and rewrites it whenever a write adds a segment, deletions included).
      indexState: db.prepare(`SELECT (SELECT max(id) FROM sentences) AS newest, (SELECT block FROM sentences_fts_data WHERE id = 10) AS structure`),
      byUrl: db.prepare('SELECT id FROM articles WHERE url = ?'),
      byHash: db.prepare('SELECT id FROM articles WHERE content_hash = ?'),
      insertArticle: db.prepare(
        `INSERT INTO articles (title, source, url, published_at, published_at_source, language, body, content_hash, ingested_at, summary_json, story)
         VALUES (@title, @source, @url, @publishedAt, @publishedAtSource, @language, @body, @hash, @ingestedAt, @summary, @story)`,
      ),
      insertSentence: db.prepare('INSERT INTO sentences (article_id, idx, text, kinds) VALUES (?, ?, ?, ?)'),
      insertFts: db.prepare('INSERT INTO sentences_fts (rowid, text) VALUES (?, ?)'),
      get: db.prepare('SELECT * FROM articles WHERE id = ?'),
      count: db.prepare('SELECT count(*) AS n FROM articles'),
      latestTitles: db.prepare('SELECT title FROM articles ORDER BY published_at DESC LIMIT ?').pluck(),
      countSentences: db.prepare('SELECT count(*) AS n FROM sentences'),
      window: db.prepare('SELECT * FROM articles WHERE published_at >= ? AND published_at < ? ORDER BY published_at DESC LIMIT ?'),
      // Articles of the window with a sentence (headline included) holding the word, by the index's stems.
      windowWithWord: db
        .prepare(
          `SELECT DISTINCT s.article_id FROM sentences_fts f JOIN sentences s ON s.id = f.rowid JOIN articles a ON a.id = s.article_id
           WHERE sentences_fts MATCH ? AND a.published_at >= ? AND a.published_at < ?`,
        )
        .pluck(),
      articlesById: db.prepare('SELECT * FROM articles WHERE id IN (SELECT value FROM json_each(?)) ORDER BY published_at DESC LIMIT ?'),
      candidates: db.prepare(`SELECT ${CANDIDATE_COLUMNS} FROM articles WHERE published_at >= ? AND published_at < ? ORDER BY published_at DESC, id DESC LIMIT ?`),
      candidatesById: db.prepare(`SELECT ${CANDIDATE_COLUMNS} FROM articles WHERE id IN (SELECT value FROM json_each(?)) ORDER BY published_at DESC, id DESC LIMIT ?`),
      sentences: db.prepare('SELECT article_id AS articleId, idx AS "index", text, kinds FROM sentences WHERE article_id = ? ORDER BY idx'),
      vocab: db.prepare('SELECT doc FROM sentences_vocab WHERE term = ?'),
      search: db.prepare(
        `SELECT s.article_id AS articleId, s.idx AS "index", s.text, s.kinds, f.rank AS rank
         FROM sentences_fts f JOIN sentences s ON s.id = f.rowid
         WHERE sentences_fts MATCH ? ORDER BY f.rank LIMIT ?`,
      ),
      // Ranked inside the full-text table first, so only the `limit` winners are joined to their rows.
      searchRanked: db.prepare(
        `SELECT s.article_id AS articleId, s.idx AS "index", s.text, s.kinds, m.rank AS rank
         FROM (SELECT rowid AS id, rank FROM sentences_fts WHERE sentences_fts MATCH ? ORDER BY rank LIMIT ?) m
         JOIN sentences s ON s.id = m.id ORDER BY m.rank`,
      ),
      rankedIds: db.prepare('SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ? ORDER BY rank LIMIT ?').pluck(),
      // Walks the matches newest first and stops after `limit`: bounded however many there are.
      newestIds: db.prepare('SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ? ORDER BY rowid DESC LIMIT ?').pluck(),
      oldestIds: db.prepare('SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ? ORDER BY rowid LIMIT ?').pluck(),
      // One statement for all candidates: a statement per row costs more than the read.
      rows: db.prepare('SELECT id, article_id AS articleId, idx AS "index", text, kinds FROM sentences WHERE id IN (SELECT value FROM json_each(?))'),
    };
  }

  /**
   * Clears the cached statistics when another connection (a second bot process, the
   * CLI) has written sentences since they were read; this connection's own writes clear
   * them in addMany(). Most commits by others touch other tables (the bot's main thread
   * claims every slash command in run_locks, the scheduler writes its ledger), and each
   * one moves data_version: clearing on every one had each worker recount the 2.5
   * million sentences (~15 ms) and every question word's frequency (~1 ms a word) for
   * every question under a burst. So a new data_version costs one look at the sentences'
   * state, and the statistics go only when that changed.
   */
  private fresh(): void {
    const v = this.stmts.dataVersion.get() as number;
    if (v === this.dataVersion) return;
    this.dataVersion = v;
    const state = this.indexState();
    if (state === this.statsState) return;
    this.statsState = state;
    this.clearStatistics();
  }

  /** The newest sentence's id and the full-text index's structure: both change with every write of sentences. */
  private indexState(): string {
    const r = this.stmts.indexState.get() as { newest: number | null; structure: Buffer | null };
    return `${r.newest ?? 0}:${r.structure?.toString('base64') ?? ''}`;
  }

  private clearStatistics(): void {
    this.dfCache.clear();
    this.sentenceCount = undefined;
  }

  /** Sentences holding the word (after the index's stemming); cached, since counting walks the word's whole posting list. */
  private docFrequency(word: string): number {
    const term = vocabularyStem(word);
    let df = this.dfCache.get(term);
    if (df === undefined) {
      df = (this.stmts.vocab.get(term) as { doc: number } | undefined)?.doc ?? 0;
      if (this.dfCache.size > 50_000) this.dfCache.clear();
      this.dfCache.set(term, df);
    }
    return df;
  }

  /**
   * Inserts one article unless it duplicates a stored one. Called only inside addMany's
   * transaction, which an error rolls back whole. No savepoint of its own: FTS5 writes its
   * pending index out at every savepoint, which cost a third of the batch's time.
   */
  private insertOne(input: ArticleInput, analysis: ArticleAnalysis, ingestedAt = new Date().toISOString()): AddResult {
    if (input.url) {
      const dup = this.stmts.byUrl.get(input.url) as { id: number } | undefined;
      if (dup) return { status: 'duplicate', id: dup.id, reason: 'url' };
    }
    const hash = contentHash(input.body);
    const dup = this.stmts.byHash.get(hash) as { id: number } | undefined;
    if (dup) return { status: 'duplicate', id: dup.id, reason: 'body' };
    const { summaryJson, story } = summaryColumns(input.title, analysis.summary);
    const info = this.stmts.insertArticle.run({
      title: input.title,
      source: input.source,
      url: input.url ?? null,
      publishedAt: input.publishedAt,
      publishedAtSource: input.publishedAtSource,
      language: input.language ?? null,
      body: input.body,
      hash,
      ingestedAt,
      summary: summaryJson,
      story,
    });
    const id = Number(info.lastInsertRowid);
    analysis.sentences.forEach((s, i) => {
      const sid = this.stmts.insertSentence.run(id, i, s.text, s.kinds).lastInsertRowid;
      this.stmts.insertFts.run(sid, s.text);
    });
    return { status: 'added', id };
  }

  async add(input: ArticleInput, analysis: ArticleAnalysis): Promise<AddResult> {
    return (await this.addMany([{ input, analysis }]))[0];
  }

  async addMany(items: ArticleBatchItem[]): Promise<AddResult[]> {
    if (items.length === 0) return [];
    // One commit for the batch, so a crash mid-ingest leaves no half article (nor half a
    // batch), and later items see earlier ones as duplicates.
    // BEGIN IMMEDIATE: with several processes on one file, a transaction that starts by reading
    // cannot later take the write lock if another process wrote meanwhile (SQLITE_BUSY at once,
    // busy_timeout or not); taking the lock first makes them queue instead.
    const results = this.db.transaction(() => items.map((it) => this.insertOne(it.input, it.analysis, it.ingestedAt))).immediate();
    if (results.some((r) => r.status === 'added')) {
      this.clearStatistics();
      // Our own commit does not move our data_version: the state is noted now, so another
      // connection's next commit elsewhere keeps the statistics read from here on.
      this.statsState = this.indexState();
    }
    return results;
  }

  async get(id: number): Promise<Article | undefined> {
    const r = this.stmts.get.get(id) as ArticleRow | undefined;
    return r && toArticle(r);
  }

  async count(): Promise<number> {
    return (this.stmts.count.get() as { n: number }).n;
  }

  async frequentHeadlineWords(limit: number): Promise<{ word: string; count: number }[]> {
    return countHeadlineWords(this.stmts.latestTitles.all(HEADLINE_WORDS_ARTICLES) as string[], limit);
  }

  async totalSentences(): Promise<number> {
    return this.sentenceTotal();
  }

  private sentenceTotal(): number {
    this.fresh();
    // count(*) walks a 2.5-million-entry index at 100,000 articles (tens of ms); it only changes on writes.
    this.sentenceCount ??= (this.stmts.countSentences.get() as { n: number }).n;
    return this.sentenceCount;
  }

  async inWindow(since: Date, until: Date, limit = 10_000): Promise<ArticleWithSummary[]> {
    const rows = this.stmts.window.all(since.toISOString(), until.toISOString(), limit) as ArticleRow[];
    return rows.map((r) => toArticleWithSummary(r));
  }

  async inWindowAbout(since: Date, until: Date, topics: string[][], limit = 10_000): Promise<ArticleWithSummary[]> {
    const matched = this.idsAbout(since, until, topics);
    if (matched.length === 0) return [];
    const rows = this.stmts.articlesById.all(JSON.stringify(matched), limit) as ArticleRow[];
    return rows.map((r) => toArticleWithSummary(r));
  }

  async storyCandidates(since: Date, until: Date, topics?: string[][], limit = 10_000): Promise<StoryCandidate[]> {
    if (!topics) return (this.stmts.candidates.all(since.toISOString(), until.toISOString(), limit) as CandidateRow[]).map(toStoryCandidate);
    const matched = this.idsAbout(since, until, topics);
    if (matched.length === 0) return [];
    return (this.stmts.candidatesById.all(JSON.stringify(matched), limit) as CandidateRow[]).map(toStoryCandidate);
  }

  async withSummaries(ids: number[]): Promise<ArticleWithSummary[]> {
    if (ids.length === 0) return [];
    return (this.stmts.articlesById.all(JSON.stringify(ids), ids.length) as ArticleRow[]).map((r) => toArticleWithSummary(r));
  }

  /** Ids of the window's articles about any of the topics (see inWindowAbout), by the sentence index's stems. */
  private idsAbout(since: Date, until: Date, topics: string[][]): number[] {
    const from = since.toISOString();
    const to = until.toISOString();
    const matched = new Set<number>();
    const perWord = new Map<string, Set<number>>();
    for (const topic of topics) {
      const words = [...new Set(topic.map((w) => w.toLowerCase()))];
      // A word with no letter or digit matches nothing (as in the PostgreSQL store): the topic is skipped.
      if (words.length === 0 || words.some((w) => !/[\p{L}\p{N}]/u.test(w))) continue;
      let ids: Set<number> | undefined;
      for (const w of words) {
        let found = perWord.get(w);
        if (!found) perWord.set(w, (found = new Set(this.stmts.windowWithWord.all(ftsTerm(w), from, to) as number[])));
        ids = ids ? new Set([...ids].filter((id) => found!.has(id))) : found;
        if (ids.size === 0) break;
      }
      for (const id of ids ?? []) matched.add(id);
    }
    return [...matched];
  }

  async readArticles(ids: number[]): Promise<Map<number, { article: Article; sentences: SentenceRow[] }>> {
    const out = new Map<number, { article: Article; sentences: SentenceRow[] }>();
    for (const id of ids) {
      const r = this.stmts.get.get(id) as ArticleRow | undefined;
      if (r) out.set(id, { article: toArticle(r), sentences: this.stmts.sentences.all(id) as SentenceRow[] });
    }
    return out;
  }

  async sentences(articleId: number): Promise<SentenceRow[]> {
    return this.stmts.sentences.all(articleId) as SentenceRow[];
  }

  async termFrequencies(words: string[]): Promise<Map<string, number>> {
    this.fresh();
    const out = new Map<string, number>();
    // The vocabulary holds the index's Porter stems; porterStem is the same algorithm.
    for (const w of new Set(words)) out.set(w, this.docFrequency(w));
    return out;
  }

  async searchSentences(words: string[], limit: number): Promise<(SentenceRow & { rank: number })[]> {
    const unique = distinctWords(words);
    if (unique.length === 0 || limit <= 0) return [];
    this.fresh();
    const terms = weighTerms(unique, (w) => this.docFrequency(w), Math.max(1, this.sentenceTotal()));
    // 0. Few postings in all: the plain BM25 query over every word is cheap, and exact.
    if (terms.reduce((a, t) => a + t.df, 0) <= RETRIEVAL.exactBudget) return this.match(terms.map((t) => ftsTerm(t.word)).join(' OR '), limit);
    // 1. BM25 over the rarest words, within the posting budget.
    const ids = new Set<number>();
    const { rare, fits } = rarestWithin(terms, RETRIEVAL.postingBudget);
    if (fits) for (const id of this.stmts.rankedIds.all(rare.map((t) => ftsTerm(t.word)).join(' OR '), limit) as number[]) ids.add(id);
    // 2. Sentences holding two of the words, common ones included: the sentence that states an
    // answer usually repeats several words of the question. An AND walks the rarer list and skips
    // through the other, so a pair costs about its rarer word's postings.
    for (const [x, y] of pairsWithin(terms)) {
      for (const id of this.newestWithBoth(`${ftsTerm(x.word)} ${ftsTerm(y.word)}`, RETRIEVAL.perPair)) ids.add(id);
    }
    // 3. Only common words, none together: the newest sentences holding the rarest.
    if (ids.size === 0) for (const id of this.stmts.newestIds.all(ftsTerm(terms[0].word), limit) as number[]) ids.add(id);
    const byId = new Map<number, SentenceRow>();
    for (const r of this.stmts.rows.all(JSON.stringify([...ids])) as (SentenceRow & { id: number })[]) byId.set(r.id, r);
    const rows = [...ids].flatMap((id) => byId.get(id) ?? []);
    return scoreCandidates(rows, terms, limit);
  }

  /**
   * The newest `limit` sentences matching an AND of two words, newest first. Most pairs
   * have fewer than that in all (9 on average over the bench's questions), and FTS5 walks
   * posting lists backwards at about 1.4× the CPU of forwards (it rebuilds each leaf
   * page's rowid offsets to step back): so they are read oldest first, and only a pair
   * with more than `limit` is read again newest first. The same ids in the same order.
   */
  private newestWithBoth(query: string, limit: number): number[] {
    const all = this.stmts.oldestIds.all(query, limit + 1) as number[];
    return all.length <= limit ? all.reverse() : (this.stmts.newestIds.all(query, limit) as number[]);
  }

  async searchSentencesNaive(words: string[], limit: number): Promise<(SentenceRow & { rank: number })[]> {
    return this.match(words.map(ftsTerm).join(' OR '), limit);
  }

  private match(query: string, limit: number): (SentenceRow & { rank: number })[] {
    if (!query) return [];
    return this.stmts.search.all(query, limit) as (SentenceRow & { rank: number })[];
  }
}

