import { createHash } from 'node:crypto';
import { stemmer } from 'stemmer';
import type Database from 'better-sqlite3';
import type { AddResult, Article, ArticleAnalysis, ArticleInput, ArticleStore, ArticleWithSummary, SentenceRow } from '../store.js';

interface ArticleRow {
  id: number;
  title: string;
  source: string;
  url: string | null;
  published_at: string;
  published_at_source: Article['publishedAtSource'];
  language: string | null;
  body: string;
  ingested_at: string;
  summary_json: string;
}

/** Hash of the body with case, spacing and punctuation folded, so a re-scraped copy of the same story is caught. */
export function contentHash(body: string): string {
  const folded = body.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return createHash('sha256').update(folded).digest('hex');
}

function toArticle(r: ArticleRow): Article {
  return {
    id: r.id,
    title: r.title,
    source: r.source,
    url: r.url ?? undefined,
    publishedAt: r.published_at,
    publishedAtSource: r.published_at_source,
    language: r.language ?? undefined,
    body: r.body,
    ingestedAt: r.ingested_at,
  };
}

/** A stemmed term as an FTS5 string literal: user text is always a word, never query syntax. */
export function ftsTerm(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

export class SqliteArticleStore implements ArticleStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      byUrl: db.prepare('SELECT id FROM articles WHERE url = ?'),
      byHash: db.prepare('SELECT id FROM articles WHERE content_hash = ?'),
      insertArticle: db.prepare(
        `INSERT INTO articles (title, source, url, published_at, published_at_source, language, body, content_hash, ingested_at, summary_json)
         VALUES (@title, @source, @url, @publishedAt, @publishedAtSource, @language, @body, @hash, @ingestedAt, @summary)`,
      ),
      insertSentence: db.prepare('INSERT INTO sentences (article_id, idx, text, kinds) VALUES (?, ?, ?, ?)'),
      insertFts: db.prepare('INSERT INTO sentences_fts (rowid, text) VALUES (?, ?)'),
      get: db.prepare('SELECT * FROM articles WHERE id = ?'),
      count: db.prepare('SELECT count(*) AS n FROM articles'),
      countSentences: db.prepare('SELECT count(*) AS n FROM sentences'),
      window: db.prepare('SELECT * FROM articles WHERE published_at >= ? AND published_at < ? ORDER BY published_at DESC LIMIT ?'),
      sentences: db.prepare('SELECT article_id AS articleId, idx AS "index", text, kinds FROM sentences WHERE article_id = ? ORDER BY idx'),
      vocab: db.prepare('SELECT doc FROM sentences_vocab WHERE term = ?'),
      search: db.prepare(
        `SELECT s.article_id AS articleId, s.idx AS "index", s.text, s.kinds, f.rank AS rank
         FROM sentences_fts f JOIN sentences s ON s.id = f.rowid
         WHERE sentences_fts MATCH ? ORDER BY f.rank LIMIT ?`,
      ),
    };
  }

  add(input: ArticleInput, analysis: ArticleAnalysis): AddResult {
    const hash = contentHash(input.body);
    // One transaction per article: a crash mid-ingest leaves no half article.
    return this.db.transaction((): AddResult => {
      if (input.url) {
        const dup = this.stmts.byUrl.get(input.url) as { id: number } | undefined;
        if (dup) return { status: 'duplicate', id: dup.id, reason: 'url' };
      }
      const dup = this.stmts.byHash.get(hash) as { id: number } | undefined;
      if (dup) return { status: 'duplicate', id: dup.id, reason: 'body' };
      const info = this.stmts.insertArticle.run({
        title: input.title,
        source: input.source,
        url: input.url ?? null,
        publishedAt: input.publishedAt,
        publishedAtSource: input.publishedAtSource,
        language: input.language ?? null,
        body: input.body,
        hash,
        ingestedAt: new Date().toISOString(),
        summary: JSON.stringify(analysis.summary),
      });
      const id = Number(info.lastInsertRowid);
      analysis.sentences.forEach((s, i) => {
        const sid = this.stmts.insertSentence.run(id, i, s.text, s.kinds).lastInsertRowid;
        this.stmts.insertFts.run(sid, s.text);
      });
      return { status: 'added', id };
    })();
  }

  get(id: number): Article | undefined {
    const r = this.stmts.get.get(id) as ArticleRow | undefined;
    return r && toArticle(r);
  }

  count(): number {
    return (this.stmts.count.get() as { n: number }).n;
  }

  totalSentences(): number {
    return (this.stmts.countSentences.get() as { n: number }).n;
  }

  inWindow(since: Date, until: Date, limit = 10_000): ArticleWithSummary[] {
    const rows = this.stmts.window.all(since.toISOString(), until.toISOString(), limit) as ArticleRow[];
    return rows.map((r) => ({ ...toArticle(r), summary: JSON.parse(r.summary_json) }));
  }

  sentences(articleId: number): SentenceRow[] {
    return this.stmts.sentences.all(articleId) as SentenceRow[];
  }

  termFrequencies(words: string[]): Map<string, number> {
    const out = new Map<string, number>();
    // The vocabulary holds the index's Porter stems; `stemmer` is the same algorithm.
    for (const w of new Set(words)) {
      const r = this.stmts.vocab.get(stemmer(w.toLowerCase())) as { doc: number } | undefined;
      out.set(w, r?.doc ?? 0);
    }
    return out;
  }

  searchSentences(words: string[], limit: number): (SentenceRow & { rank: number })[] {
    return this.match(words.map(ftsTerm).join(' OR '), limit);
  }

  searchSentencesNaive(words: string[], limit: number): (SentenceRow & { rank: number })[] {
    return this.match(words.map(ftsTerm).join(' OR '), limit);
  }

  private match(query: string, limit: number): (SentenceRow & { rank: number })[] {
    if (!query) return [];
    return this.stmts.search.all(query, limit) as (SentenceRow & { rank: number })[];
  }
}
