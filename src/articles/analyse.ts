import { splitSentences } from '../nlp/sentences.js';
import { sentenceKinds } from '../nlp/kinds.js';
import { terms } from '../nlp/tokens.js';
import { summarizeSentences } from '../summarize/summarize.js';
import type { ArticleAnalysis, ArticleInput } from '../store/store.js';

/**
 * Everything the bot needs of an article, computed once at ingest: its sentences
 * with the answer kinds each can give, and its summary. The headline is sentence 0,
 * so a question whose answer is in the headline is answerable.
 */
export function analyseArticle(article: ArticleInput): ArticleAnalysis {
  const bodySentences = splitSentences(article.body);
  const summary = summarizeSentences(bodySentences, { title: article.title });
  summary.storyTerms = [...new Set(terms(`${article.title} ${summary.sentences[0] ?? ''}`))];
  const sentences = [article.title, ...bodySentences].map((text) => ({ text, kinds: sentenceKinds(text) }));
  return { sentences, summary };
}
