/**
 * Follow-up questions: a conversation's last answered story is remembered in the store
 * for 30 minutes, and questions that name nothing new are answered from it first.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../adapters/console/index.js';
import { ask } from '../src/ask/answer.js';
import { createCore } from '../src/core.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { CommandEvent, Message } from '../src/index.js';
import { join } from 'node:path';
import { SENTENCES, makeDialogueCore } from './helpers/dialogue.js';

let fx: Awaited<ReturnType<typeof makeDialogueCore>>;
let clock = new Date('2026-11-30T09:00:00Z');
beforeAll(async () => {
  fx = await makeDialogueCore({ now: () => clock });
});
afterAll(() => fx.close());

const quoted = (m: Message) => (m.blocks[0]?.type === 'quote' ? m.blocks[0].text : m.blocks.map((b) => ('text' in b ? b.text : '')).join(' | '));
const dm = (text: string, conversation?: string): CommandEvent => ({
  platform: 'console',
  command: 'message',
  text,
  user: 'u',
  channel: 'c',
  isDirect: true,
  target: 'console',
  userTarget: 'console',
  conversation,
});
const say = async (text: string, conversation?: string) => quoted((await fx.core.handle(dm(text, conversation))).message);

describe('follow-up questions', () => {
  it('without a conversation, "what did they sign?" stands alone (the issue: it found the Time Warner story)', async () => {
    expect(await say('what did they sign?')).toBe(SENTENCES.timeWarner);
  });

  it('answers pronouns and bare follow-ups from the story just discussed, and starts afresh on a new subject', async () => {
    const c = 'test:dialogue-1';
    expect(await say('who visited Kenya?', c)).toBe(SENTENCES.visit);
    expect(await say('what did they sign?', c)).toBe(SENTENCES.signed);
    expect(await say('how much?', c)).toBe(SENTENCES.trade);
    expect(await say('when?', c)).toBe(SENTENCES.visit);
    // Names a subject the Kenya story does not hold: a fresh search, and now the Time Warner story is the one discussed.
    expect(await say('what did Time Warner sign up?', c)).toBe(SENTENCES.timeWarner);
    expect(await say('how much?', c)).toBe(SENTENCES.timeWarner);
  });

  it('keeps conversations apart and forgets one after 30 minutes', async () => {
    expect(await say('who visited Kenya?', 'test:a')).toBe(SENTENCES.visit);
    expect(await say('what did they sign?', 'test:b')).toBe(SENTENCES.timeWarner);
    clock = new Date(clock.getTime() + 29 * 60_000);
    expect(await say('what did they sign?', 'test:a')).toBe(SENTENCES.signed);
    // Each answer renews the conversation; 31 minutes after the last one it is forgotten.
    clock = new Date(clock.getTime() + 31 * 60_000);
    expect(await say('what did they sign?', 'test:a')).toBe(SENTENCES.timeWarner);
  });

  it('does not answer a bare follow-up without a story to follow', async () => {
    expect(await say('how much?', 'test:fresh')).toMatch(/^I have no answer to “how much\?”/);
  });

  it('remembers in the store, so another process on the same database answers the follow-up', async () => {
    await say('who visited Kenya?', 'test:shared');
    const other = openSqliteStore(join(fx.dir, 'briefbot.db'));
    try {
      const core = createCore({ store: other, now: () => clock });
      const reply = await core.handle(dm('what did they sign?', 'test:shared'));
      expect(quoted(reply.message)).toBe(SENTENCES.signed);
      expect(await other.conversations.lastArticle('test:shared', new Date(clock.getTime() - 60_000))).toBe(
        (await ask(other, 'who visited Kenya?')).answer?.article.id,
      );
    } finally {
      await other.close();
    }
  });
});

describe('console dialogue', () => {
  it('a console session is one conversation', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.on('data', (d) => (out += d));
    const adapter = createConsoleAdapter({ input, output });
    await adapter.start(fx.core);
    input.write('who visited Kenya?\nwhat did they sign?\nhow much?\n');
    input.end();
    await new Promise((r) => setTimeout(r, 50));
    await adapter.idle();
    const quotes = out.split('\n').filter((l) => l.startsWith('> '));
    expect(quotes).toEqual([`> ${SENTENCES.visit}`, `> ${SENTENCES.signed}`, `> ${SENTENCES.trade}`]);
    await adapter.stop();
  });
});
