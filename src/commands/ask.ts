import type { CommandEvent, Reply } from '../adapter.js';
import { ask, type AskResult } from '../ask/answer.js';
import { message } from '../messages/message.js';
import type { CommandDeps } from './deps.js';

/** How long a conversation's last answered story is remembered for follow-up questions. */
export const CONVERSATION_MEMORY_MS = 30 * 60_000;

/** The answer as a message: the sentence verbatim, then where it comes from. */
export function answerMessage(result: AskResult, storedArticles: number): ReturnType<typeof message> {
  const a = result.answer;
  if (!a) {
    return message([
      { type: 'paragraph', text: `I have no answer to “${result.question.trim()}” in the ${storedArticles} stored ${storedArticles === 1 ? 'article' : 'articles'}.` },
      { type: 'context', text: 'Try other words, or /brief to see what is in the news.' },
    ]);
  }
  return message([
    { type: 'quote', text: a.sentence },
    { type: 'source', title: a.article.title, source: a.article.source, url: a.article.url, publishedAt: a.article.publishedAt },
  ]);
}

/** The reply, and whether it holds an answer (for metrics). */
export async function handleAsk(event: CommandEvent, deps: CommandDeps): Promise<Reply & { answered: boolean }> {
  const question = event.text.trim();
  if (!question) {
    return { message: message([{ type: 'paragraph', text: 'Ask me a question about the news, for example: /ask trade figure?' }]), ephemeral: true, answered: false };
  }
  const now = deps.now();
  const key = event.conversation;
  const since = new Date(now.getTime() - CONVERSATION_MEMORY_MS);
  const context = key ? await deps.store.conversations.lastArticle(key, since) : undefined;
  const { result, storedArticles } = deps.answer ? await deps.answer(question, now, context) : await answerInline(deps, question, now, context);
  if (key && result.answer) {
    await deps.store.conversations.remember(key, result.answer.article.id, now);
    await deps.store.conversations.forget(since);
  }
  return { message: answerMessage(result, storedArticles), ephemeral: !event.isDirect, answered: result.answer !== null };
}

async function answerInline(deps: CommandDeps, question: string, now: Date, context: number | undefined): Promise<{ result: AskResult; storedArticles: number }> {
  const result = await ask(deps.store, question, { now, context });
  // The count only appears in the no-answer reply.
  return { result, storedArticles: result.answer ? 0 : await deps.store.articles.count() };
}
