import { splitSentences } from '../nlp/sentences.js';
import { sentenceKinds } from '../nlp/kinds.js';
import { withinOneArticle } from '../nlp/article-memo.js';
import { storySignature } from '../briefing/stories.js';
import { summarizeSentences } from '../summarize/summarize.js';
import type { ArticleAnalysis, ArticleInput } from '../store/store.js';

/**
 * Everything the bot needs of an article, computed once at ingest: its sentences
 * with the answer kinds each can give, and its summary. The headline is sentence 0,
 * so a question whose answer is in the headline is answerable.
 */
export function analyseArticle(article: ArticleInput): ArticleAnalysis {
  return withinOneArticle(() => analyse(article));
}

function analyse(article: ArticleInput): ArticleAnalysis {
  const bodySentences = splitSentences(article.body);
  const summary = summarizeSentences(bodySentences, { title: article.title, language: article.language });
  summary.story = storySignature(article.title, bodySentences);
  const sentences = [{ text: article.title, kinds: sentenceKinds(article.title) }];
  for (const text of bodySentences) sentences.push({ text, kinds: sentenceKinds(text) });
  return { sentences, summary };
}
