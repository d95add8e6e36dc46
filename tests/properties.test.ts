/**
 * Property tests (fast-check) over random and adversarial input. The number of
 * generated cases is in each test's name; a failure prints the smallest input found.
 */
import fc from 'fast-check';
import type { APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeText as discordEscape } from '../adapters/discord/escape.js';
import { DISCORD_LIMITS, DISCORD_MESSAGE_LIMITS, embedChars, renderMessage as renderDiscord, renderPlainText } from '../adapters/discord/render.js';
import { escapeMrkdwn, mrkdwnLink, safePlainText } from '../adapters/slack/escape.js';
import { renderMessage as renderSlack, slackLimits } from '../adapters/slack/render.js';
import { cleanLines } from '../src/articles/clean.js';
import { handleAsk } from '../src/commands/ask.js';
import type { CommandDeps } from '../src/commands/deps.js';
import { silentLogger } from '../src/logger.js';
import { message, type Block, type Message } from '../src/messages/message.js';
import { splitMessage } from '../src/messages/split.js';
import { blockProblems } from './fakes/slack/fake-slack.js';
import { makeFixtureCore } from './helpers/fixture-core.js';

const RUNS = { escape: 2000, split: 200, clean: 1000, ask: 300 };

/** Pieces that attack chat markup: broadcasts, mentions, link syntax, markdown, entities, escapes. */
const HOSTILE = [
  '<!channel>', '<!here>', '<!everyone>', '<!subteam^S1|team>', '<@U0SPAM>', '<@&123456789012345678>', '<@!123456789012345678>', '<#C1>',
  '</cmd:1>', '<t:1700000000>', '<a:x:1>', '<:x:1>', '<id:browse>', '@everyone', '@here', '@channel', '@EVERYONE', '@', '!', '<', '>', '&',
  '&lt;', '&gt;', '&amp;', '|', '\\', '\\\\', '*', '_', '`', '```', '~~', '||', '[', ']', '(', ')', '](', '[x](https://evil.example)', '# ',
  '> ', '- ', '1. ', '\n', ' ', '\u200b', '\u200d', '…', '...', 'https://news.example/a?b=1&c=<2>', 'word', 'Ministers', '.',
];
const hostileText = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE), { maxLength: 30 }).map((a) => a.join('')),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

/** Every `<` not escaped by an odd run of backslashes, followed by Discord mention/emoji/timestamp syntax. */
const DISCORD_MENTION = /(?<!\\)(?:\\\\)*<(?:[@#:/]|a:|t:|id:)/;
const BROADCAST = /@(?:everyone|here|channel)/i;
/** Discord has no @channel. */
const DISCORD_BROADCAST = /@(?:everyone|here)/i;
const MASKED_LINK = /(?<!\\)(?:\\\\)*\[[^\]\n]*(?<!\\)(?:\\\\)*\]\(/;

describe('escapers', () => {
  it(`Slack mrkdwn: no <, > or broadcast word survives (${RUNS.escape} cases)`, () => {
    fc.assert(
      fc.property(hostileText, (s) => {
        const out = escapeMrkdwn(s);
        expect(out).not.toMatch(/[<>]/);
        expect(out).not.toMatch(BROADCAST);
      }),
      { numRuns: RUNS.escape },
    );
  });

  it(`Slack plain_text: no <!, <@, <# or broadcast word survives (${RUNS.escape} cases)`, () => {
    fc.assert(
      fc.property(hostileText, (s) => {
        const out = safePlainText(s);
        expect(out).not.toMatch(/<[!@#]/);
        expect(out).not.toMatch(BROADCAST);
      }),
      { numRuns: RUNS.escape },
    );
  });

  it(`Slack links: the label cannot close the link or open another, the URL cannot carry markup (${RUNS.escape} cases)`, () => {
    const url = fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), hostileText, fc.constant('https://x.example/<!channel>|@here'));
    fc.assert(
      fc.property(hostileText, url, (label, u) => {
        const out = mrkdwnLink(label, u);
        const link = /^<([^<>|\s]+)\|([^<>]*)>$/.exec(out);
        if (link) {
          expect(link[1]).toMatch(/^https?:\/\//);
          expect(link[2]).not.toMatch(BROADCAST);
        } else {
          expect(out).not.toMatch(/[<>]/);
          expect(out).not.toMatch(BROADCAST);
        }
      }),
      { numRuns: RUNS.escape },
    );
  });

  it(`Discord: no mention, emoji, timestamp or broadcast syntax survives (${RUNS.escape} cases)`, () => {
    fc.assert(
      fc.property(hostileText, (s) => {
        const out = discordEscape(s);
        expect(out).not.toMatch(DISCORD_MENTION);
        expect(out).not.toMatch(DISCORD_BROADCAST);
        // A masked link needs "[label](" with both brackets unescaped.
        expect(out).not.toMatch(MASKED_LINK);
      }),
      { numRuns: RUNS.escape },
    );
  });
});

// ---- messages -------------------------------------------------------------------

const words = fc.array(fc.constantFrom('trade', 'ministers', 'agreed', 'on', 'Tuesday', 'port', '4.2', 'billion', 'said.', 'talks', 'were', 'difficult.', 'Exports', 'rose'), {
  minLength: 1,
  maxLength: 12,
});
const prose = (maxWords: number) =>
  fc.oneof(
    fc.array(fc.oneof(words.map((w) => w.join(' ')), fc.constantFrom(...HOSTILE)), { minLength: 1, maxLength: maxWords }).map((a) => a.join(' ')),
    fc.string({ minLength: 1, maxLength: 400 }),
    // A long unbroken run: the cut has to fall mid-word.
    fc.integer({ min: 1, max: 9000 }).map((n) => 'x'.repeat(n)),
  );
const url = fc.option(fc.oneof(fc.webUrl(), fc.constant('javascript:alert(1)'), fc.constant('https://news.example/story?q=<!channel>&x=|')), { nil: undefined });
const block: fc.Arbitrary<Block> = fc.oneof(
  prose(400).map((text) => ({ type: 'paragraph' as const, text })),
  prose(30).map((text) => ({ type: 'heading' as const, text })),
  prose(80).map((text) => ({ type: 'quote' as const, text })),
  prose(20).map((text) => ({ type: 'context' as const, text })),
  fc.array(prose(20), { minLength: 1, maxLength: 40 }).map((items) => ({ type: 'bullets' as const, items })),
  fc.record({
    title: prose(15),
    summary: prose(60),
    figure: fc.option(prose(5), { nil: undefined }),
    url,
    sources: fc.array(fc.record({ label: prose(4), url }), { maxLength: 6 }),
  }).map((s) => ({ type: 'story' as const, ...s })),
  fc.record({ title: prose(15), source: prose(4), url }).map((s) => ({ type: 'source' as const, ...s })),
  fc.constant({ type: 'divider' as const }),
);
const messages = fc.tuple(fc.array(block, { maxLength: 70 }), fc.option(prose(20), { nil: undefined })).map(([blocks, title]) => message(blocks, title));

/** The text a block carries, for checking nothing is lost: splitting may cut text between blocks, never drop it. */
function blockChars(b: Block): string {
  switch (b.type) {
    case 'bullets':
      return b.items.join('');
    case 'story':
      return b.title + b.summary + (b.figure ?? '') + b.sources.map((s) => s.label).join('');
    case 'source':
      return b.title + b.source;
    case 'divider':
      return '';
    default:
      return b.text;
  }
}
const squeeze = (s: string) => s.replace(/\s+/g, '');

/** Fields the splitter may shorten by design (one over-long heading, bullet or story field) rather than split. */
function withinBlockBudget(msg: Message, max: number): boolean {
  return msg.blocks.every((b) => {
    if (b.type === 'heading') return b.text.length <= max;
    if (b.type === 'bullets') return b.items.every((i) => i.length <= max);
    if (b.type === 'story') return b.title.length <= max && b.summary.length <= max && (b.figure?.length ?? 0) <= max;
    return true;
  });
}

describe('message splitting and rendering', () => {
  it(`the splitter loses and reorders nothing, for Slack's and Discord's limits (${RUNS.split} cases each)`, () => {
    for (const limits of [slackLimits(), slackLimits(1), DISCORD_MESSAGE_LIMITS]) {
      fc.assert(
        fc.property(messages, (msg) => {
          fc.pre(withinBlockBudget(msg, limits.maxBlockChars));
          const parts = splitMessage(msg, limits);
          expect(parts.length).toBeGreaterThan(0);
          const before = squeeze(msg.blocks.map(blockChars).join(''));
          const after = squeeze(parts.flatMap((p) => p.blocks).map(blockChars).join(''));
          expect(after).toBe(before);
          expect(parts.flatMap((p) => p.blocks).filter((b) => b.type === 'divider').length).toBe(msg.blocks.filter((b) => b.type === 'divider').length);
        }),
        { numRuns: RUNS.split },
      );
    }
  });

  it(`every Slack message is within Block Kit's limits, in order, without mentions (${RUNS.split} cases)`, () => {
    fc.assert(
      fc.property(messages, fc.constantFrom(0, 1), (msg, reserved) => {
        const payloads = renderSlack(msg, reserved);
        expect(payloads.length).toBeGreaterThan(0);
        for (const p of payloads) {
          expect(blockProblems(p.blocks)).toEqual([]);
          expect(p.blocks.length).toBeLessThanOrEqual(50 - reserved);
          expect(p.text.length).toBeGreaterThan(0);
          expect(p.text.length).toBeLessThanOrEqual(3000);
          const all = [p.text, ...p.blocks.flatMap((b) => ('text' in b ? [b.text.text] : 'elements' in b ? b.elements.map((e) => ('text' in e && typeof e.text === 'string' ? e.text : '')) : []))];
          for (const t of all) {
            expect(t).not.toMatch(/<[!@#]/);
            expect(t).not.toMatch(BROADCAST);
          }
          // In mrkdwn our only markup is links we made: every < opens an http(s) link.
          const mrkdwn = [p.text, ...p.blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : b.type === 'context' ? b.elements.map((e) => e.text) : []))];
          for (const t of mrkdwn) expect(t).not.toMatch(/<(?!https?:\/\/)/);
        }
      }),
      { numRuns: RUNS.split },
    );
  });

  it(`every Discord message is within Discord's limits (content, embeds, every embed field) without mentions (${RUNS.split} cases)`, () => {
    const fieldTexts = (e: APIEmbed) => [e.title ?? '', e.description ?? '', e.author?.name ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value])];
    fc.assert(
      fc.property(messages, (msg) => {
        const payloads = renderDiscord(msg);
        expect(payloads.length).toBeGreaterThan(0);
        for (const p of payloads) {
          expect((p.content ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
          expect(p.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
          expect(p.embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedCharsPerMessage);
          if (!p.content) expect(p.embeds.length).toBeGreaterThan(0);
          for (const e of p.embeds) {
            expect((e.title ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
            expect((e.description ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
            expect((e.footer?.text ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.footer);
            expect((e.fields ?? []).length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
            for (const f of e.fields ?? []) {
              expect(f.name.length).toBeGreaterThan(0);
              expect(f.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
              expect(f.value.length).toBeGreaterThan(0);
              expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
            }
            if (e.url) expect(e.url).toMatch(/^https?:\/\//);
          }
          // Footers render neither markdown nor mentions (they only lose their pings); everything else must read as plain text.
          for (const e of p.embeds) expect(e.footer?.text ?? '').not.toMatch(DISCORD_BROADCAST);
          for (const t of [p.content ?? '', ...p.embeds.flatMap(fieldTexts)]) {
            expect(t).not.toMatch(DISCORD_MENTION);
            expect(t).not.toMatch(DISCORD_BROADCAST);
          }
        }
        for (const text of renderPlainText(msg)) {
          expect(text.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
          expect(text).not.toMatch(DISCORD_BROADCAST);
        }
      }),
      { numRuns: RUNS.split },
    );
  });

  it(`Slack and Discord keep the blocks in order (${RUNS.split} cases)`, () => {
    // Each block starts with a marker word; the rendered parts must show the markers in order.
    const marked = fc.array(block, { minLength: 1, maxLength: 70 }).map((blocks) =>
      message(
        blocks.map((b, i): Block => {
          const m = `Zq${i}x `;
          switch (b.type) {
            case 'bullets':
              return { ...b, items: [m + b.items[0], ...b.items.slice(1)] };
            case 'story':
            case 'source':
              return { ...b, title: m + b.title };
            case 'divider':
              return { type: 'paragraph', text: m };
            default:
              return { ...b, text: m + b.text } as Block;
          }
        }),
        'Brief',
      ),
    );
    const markers = (s: string) => [...s.matchAll(/Zq(\d+)x/g)].map((m) => Number(m[1]));
    fc.assert(
      fc.property(marked, (msg) => {
        const expected = msg.blocks.map((_, i) => i);
        const slack = renderSlack(msg).flatMap((p) => markers(JSON.stringify(p.blocks)));
        expect([...new Set(slack)]).toEqual(expected);
        const discord = renderDiscord(msg).flatMap((p) => markers(JSON.stringify(p)));
        expect([...new Set(discord)]).toEqual(expected);
      }),
      { numRuns: RUNS.split },
    );
  });
});

// ---- cleaning -------------------------------------------------------------------

const STORY_WORDS = ['ministers', 'agreed', 'port', 'fees', 'exports', 'rose', 'percent', 'talks', 'were', 'difficult', 'the', 'in', 'after', 'week', 'officials', 'bank', 'rates', 'held'];
const storyLine = fc
  .array(fc.constantFrom(...STORY_WORDS), { minLength: 8, maxLength: 30 })
  .map((w) => `${w[0][0].toUpperCase()}${w[0].slice(1)} ${w.slice(1).join(' ')}.`);
const NOISE = ['Share this article', 'Subscribe to our newsletter', 'Read more', 'Advertisement', '© 2026 Example Media', 'By Jane Doe', 'Related', 'Tags', 'Markets', 'Shares rose after the results and the...', 'We use cookies to improve your experience.'];
const pageLine = fc.oneof(storyLine, fc.constantFrom(...NOISE), hostileText, fc.constant(''), fc.constant('   '));

describe('page-noise cleaning', () => {
  it(`is idempotent (${RUNS.clean} cases)`, () => {
    fc.assert(
      fc.property(fc.array(pageLine, { maxLength: 30 }), (lines) => {
        const once = cleanLines(lines);
        expect(cleanLines(once)).toEqual(once);
      }),
      { numRuns: RUNS.clean },
    );
  });

  it(`never empties an article that has a story, and keeps every story line (${RUNS.clean} cases)`, () => {
    fc.assert(
      fc.property(fc.array(pageLine, { maxLength: 20 }), storyLine, fc.array(pageLine, { maxLength: 20 }), (before, story, after) => {
        const cleaned = cleanLines([...before, story, ...after]);
        expect(cleaned.length).toBeGreaterThan(0);
        expect(cleaned).toContain(story);
      }),
      { numRuns: RUNS.clean },
    );
  });
});

// ---- asking ---------------------------------------------------------------------

describe('the question path', () => {
  let fixture: Awaited<ReturnType<typeof makeFixtureCore>>;
  beforeAll(async () => {
    fixture = await makeFixtureCore();
  });
  afterAll(() => fixture?.close());

  const question = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    // Lone surrogates, NULs, FTS5 syntax and very long words.
    fc.array(fc.constantFrom('\ud800', '\udfff', '\u0000', '"', '*', 'NEAR(', '^', 'OR', 'AND', 'NOT', '(', ')', ':', '-', 'trade', 'figure', '?', '💥', 'e\u0301', ' '), { maxLength: 40 }).map((a) => a.join('')),
    fc.integer({ min: 1, max: 20_000 }).map((n) => 'a'.repeat(n)),
  );

  it(`never throws and always answers something, for any Unicode string (${RUNS.ask} cases)`, async () => {
    const deps: CommandDeps = { store: fixture.store, briefs: () => [], now: () => new Date('2026-12-01T12:00:00Z'), log: silentLogger, admins: [] };
    await fc.assert(
      fc.asyncProperty(question, async (text) => {
        const reply = await handleAsk({ platform: 'console', command: 'ask', text, user: 'u', channel: 'c', isDirect: true, target: 'console', userTarget: 'console' }, deps);
        expect(reply.message.text.length).toBeGreaterThan(0);
        const viaCore = await fixture.core.handle({ platform: 'console', command: 'ask', text, user: 'u', channel: 'c', isDirect: true, target: 'console', userTarget: 'console' });
        expect(viaCore.message.text).not.toMatch(/^Something went wrong/);
      }),
      { numRuns: RUNS.ask },
    );
  });
});
