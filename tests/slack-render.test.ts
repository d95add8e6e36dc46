/** The Slack adapter's pure parts: escaping, Block Kit rendering within limits, config checks, error mapping. */
import { describe, expect, it } from 'vitest';
import { message, type Block } from '../src/index.js';
import { escapeMrkdwn, mrkdwnLink, safePlainText, safeUrl } from '../adapters/slack/escape.js';
import { renderMessage, SLACK_LIMITS } from '../adapters/slack/render.js';
import { slackMode, validateSlackConfig } from '../adapters/slack/config.js';
import { needsChannelPermission, normaliseIncoming, parseTarget } from '../adapters/slack/incoming.js';
import { toDeliveryError } from '../adapters/slack/errors.js';
import { blockProblems } from './fakes/slack/fake-slack.js';
import { SLASH_COMMANDS } from '../adapters/slack/listeners.js';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const ZWJ = '\u200D';

describe('escaping', () => {
  it('keeps formatting marks in article text from pairing: a title with * stays one bold title', () => {
    expect(escapeMrkdwn('Shares *soar* as _bulls_ ~return~ `now`')).toBe('Shares *\u200Bsoar*\u200B as _\u200Bbulls_\u200B ~\u200Breturn~\u200B `\u200Bnow`\u200B');
    const [{ blocks }] = renderMessage(message([{ type: 'story', title: 'Acme *record* quarter', summary: 'Profit rose.', sources: [] }]));
    expect(JSON.stringify(blocks)).toContain('*Acme *\u200Brecord*\u200B quarter*');
  });
  it('escapes the three control characters and breaks broadcast words', () => {
    expect(escapeMrkdwn('AT&T <!channel> > @here @Channel @everyone @heresy')).toBe(
      // "@heresy" is broken too: no client's idea of where a mention ends can matter (tests/properties.test.ts).
      `AT&amp;T &lt;!channel&gt; &gt; @${ZWJ}here @${ZWJ}Channel @${ZWJ}everyone @${ZWJ}heresy`,
    );
  });

  it('breaks control sequences in plain text without escaping entities', () => {
    expect(safePlainText('A & B <!here> <@U1> <#C1> @channel')).toBe(`A & B <${ZWJ}!here> <${ZWJ}@U1> <${ZWJ}#C1> @${ZWJ}channel`);
  });

  it('keeps only http(s) URLs and encodes what could end a link early', () => {
    expect(safeUrl('https://a.example/p|q>r<s?x=1&y=2#f|g')).toBe('https://a.example/p%7Cq%3Er%3Cs?x=1&amp;y=2#f%7Cg');
    expect(safeUrl('https://a.example/a b')).toBe('https://a.example/a%20b');
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('file:///etc/passwd')).toBeUndefined();
    expect(safeUrl('/relative')).toBeUndefined();
    expect(safeUrl(undefined)).toBeUndefined();
  });

  it('builds links whose label cannot close the link or inject one', () => {
    expect(mrkdwnLink('Q3 <b>|results>\nnext', 'https://a.example/x')).toBe('<https://a.example/x|Q3 &lt;b&gt;|results&gt; next>');
    expect(mrkdwnLink('Just text', 'mailto:a@b.example')).toBe('Just text');
  });
});

describe('rendering to Block Kit', () => {
  it('renders every block kind with exact markup', () => {
    const blocks: Block[] = [
      { type: 'heading', text: 'Markets' },
      { type: 'paragraph', text: 'Shares rose 5% & more.' },
      { type: 'bullets', items: ['one', 'two'] },
      { type: 'quote', text: 'line one\nline two' },
      { type: 'story', title: 'Kenya deal', url: 'https://n.example/1', summary: 'Trade grew.', figure: '5.7 billion ringgit', sources: [{ label: 'Wire', url: 'https://w.example' }, { label: 'Print' }], publishedAt: '2026-01-02T07:00:00Z' },
      { type: 'source', title: 'Deal signed', source: 'Agency', url: 'https://s.example/a', publishedAt: '2026-01-03T00:00:00Z' },
      { type: 'context', text: '3 stories' },
      { type: 'divider' },
    ];
    const [part, ...rest] = renderMessage(message(blocks, 'Morning brief'));
    expect(rest).toEqual([]);
    const m = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });
    expect(part.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Morning brief', emoji: false } },
      { type: 'header', text: { type: 'plain_text', text: 'Markets', emoji: false } },
      { type: 'section', text: m('Shares rose 5% &amp; more.') },
      { type: 'section', text: m('• one\n• two') },
      { type: 'section', text: m('>line one\n>line two') },
      { type: 'section', text: m('*<https://n.example/1|Kenya deal>*\nTrade grew.\n*Key figure:* 5.7 billion ringgit') },
      { type: 'context', elements: [m('Sources: <https://w.example/|Wire> · Print · 2026-01-02')] },
      { type: 'context', elements: [m('— <https://s.example/a|Deal signed>, Agency, 2026-01-03')] },
      { type: 'context', elements: [m('3 stories')] },
      { type: 'divider' },
    ]);
    expect(part.text.startsWith('Morning brief\nMarkets\nShares rose 5% &amp; more.')).toBe(true);
  });

  it('splits a long paragraph into sections within 3,000 characters without losing words', () => {
    const words = Array.from({ length: 1500 }, (_, i) => `w${i}`);
    const parts = renderMessage(message([{ type: 'paragraph', text: words.join(' ') }]));
    const sections = parts.flatMap((p) => p.blocks).filter((b) => b.type === 'section') as Array<{ text: { text: string } }>;
    expect(sections.length).toBeGreaterThan(2);
    for (const s of sections) expect(s.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(sections.map((s) => s.text.text).join(' ').split(/\s+/)).toEqual(words);
  });

  it('keeps sections within 3,000 characters when escaping grows the text fivefold', () => {
    const parts = renderMessage(message([{ type: 'paragraph', text: '<'.repeat(2400) }, { type: 'quote', text: '&'.repeat(2400) }]));
    for (const p of parts) expect(blockProblems(p.blocks)).toEqual([]);
    const first = parts[0].blocks[0] as { text: { text: string } };
    expect(first.text.text).toMatch(/^(&lt;)+…$/);
  });

  it('cuts headers to 150 characters after neutralising them, keeping "(continued)"', () => {
    const msg = message(Array.from({ length: 60 }, () => ({ type: 'divider' }) as Block), `${'@here '.repeat(40)}`);
    const parts = renderMessage(msg);
    expect(parts).toHaveLength(2);
    for (const p of parts) {
      const h = p.blocks[0] as { type: string; text: { text: string } };
      expect(h.type).toBe('header');
      expect(h.text.text.length).toBeLessThanOrEqual(150);
      expect(h.text.text).not.toMatch(/@here/);
    }
    expect((parts[1].blocks[0] as { text: { text: string } }).text.text).toMatch(/… \(continued 2\/2\)$/);
  });

  it('keeps a story within limits whatever its parts weigh', () => {
    const story: Block = {
      type: 'story',
      title: '&'.repeat(400),
      url: `https://a.example/${'p'.repeat(900)}`,
      summary: '<'.repeat(2400),
      figure: '>'.repeat(400),
      sources: Array.from({ length: 30 }, (_, i) => ({ label: `&Source ${i} ${'s'.repeat(150)}`, url: `https://s${i}.example/${'q'.repeat(200)}` })),
    };
    const [part] = renderMessage(message([story]));
    expect(blockProblems(part.blocks)).toEqual([]);
    const markup = JSON.stringify(part.blocks);
    expect(markup).toContain('https://a.example/ppp');
    // No link is left open by a cut.
    for (const b of part.blocks) {
      const t = b.type === 'section' ? b.text.text : b.type === 'context' ? b.elements[0].text : '';
      expect(t.split('<').length).toBe(t.split('>').length);
    }
  });

  it('spreads a long list over several sections', () => {
    const items = Array.from({ length: 40 }, (_, i) => `item ${i} ${'x'.repeat(200)}`);
    const [part] = renderMessage(message([{ type: 'bullets', items }]));
    expect(part.blocks.length).toBeGreaterThan(2);
    expect(blockProblems(part.blocks)).toEqual([]);
    expect(part.blocks.map((b) => (b as { text: { text: string } }).text.text).join('\n').split('\n')).toHaveLength(40);
  });

  it('drops empty blocks rather than send sections Slack would reject', () => {
    const [part] = renderMessage(message([{ type: 'heading', text: ' ' }, { type: 'paragraph', text: '' }, { type: 'bullets', items: ['', 'one'] }, { type: 'context', text: '' }]));
    expect(part.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '• one', verbatim: true } }]);
  });

  it('leaves room for a button when asked to', () => {
    const blocks = Array.from({ length: 50 }, () => ({ type: 'divider' }) as Block);
    expect(renderMessage(message(blocks))).toHaveLength(1);
    expect(renderMessage(message(blocks), 1)).toHaveLength(2);
  });
});

describe('incoming text and targets', () => {
  it('removes the bot mention and unwraps Slack markup into what the person typed', () => {
    expect(normaliseIncoming('<@UBOT>   what about AT&amp;T &lt;3 <https://x.example/feed|x.example/feed> in <#C1|news>?', 'UBOT')).toBe(
      'what about AT&T <3 https://x.example/feed in #news?',
    );
    expect(normaliseIncoming('<@UBOT|briefbot> hi <@U2>', 'UBOT')).toBe('hi <@U2>');
  });

  it('knows which commands change what a channel receives', () => {
    expect(needsChannelPermission('briefbot', 'subscribe morning')).toBe(true);
    expect(needsChannelPermission('briefbot', 'Unsubscribe morning')).toBe(true);
    expect(needsChannelPermission('briefbot', 'sources add https://f.example/rss')).toBe(true);
    expect(needsChannelPermission('briefbot', 'sources')).toBe(false);
    expect(needsChannelPermission('briefbot', 'list')).toBe(false);
    expect(needsChannelPermission('ask', 'subscribe to what?')).toBe(false);
  });

  it('parses targets', () => {
    expect(parseTarget('slack:C0123ABC')).toBe('C0123ABC');
    expect(parseTarget('slack:U0123')).toBe('U0123');
    expect(parseTarget('slack:#general')).toBeUndefined();
    expect(parseTarget('discord:123')).toBeUndefined();
  });
});

describe('configuration', () => {
  it('names the variables to set when neither mode is configured', () => {
    const problems = validateSlackConfig({ botToken: 'xoxb-1' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('SLACK_APP_TOKEN');
    expect(problems[0]).toContain('SLACK_SIGNING_SECRET');
  });

  it('catches swapped or missing tokens, bad URLs, ports and admin ids', () => {
    const problems = validateSlackConfig({ botToken: 'xapp-1', appToken: 'xoxb-1', apiUrl: 'ftp://x', port: 70000, admins: ['U1', 'slack:bob', 'discord:42'] });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_API_URL', 'SLACK_PORT', 'BRIEFBOT_ADMINS:']);
    expect(validateSlackConfig({})[0]).toContain('SLACK_BOT_TOKEN is missing');
  });

  it('accepts both secrets and picks Socket Mode', () => {
    const both = { botToken: 'xoxb-1', signingSecret: 's', appToken: 'xapp-1' };
    expect(validateSlackConfig(both)).toEqual([]);
    expect(slackMode(both)).toBe('socket');
    expect(slackMode({ botToken: 'xoxb-1', signingSecret: 's' })).toBe('http');
  });
});

describe('delivery errors', () => {
  const platform = (error: string) => Object.assign(new Error(error), { code: 'slack_webapi_platform_error', data: { ok: false, error } });

  it('maps Slack refusals, HTTP and network failures', () => {
    const cases = [
      [platform('channel_not_found'), 'slack_channel_not_found', true, false],
      [platform('account_inactive'), 'slack_account_inactive', true, false],
      [platform('invalid_auth'), 'slack_invalid_auth', false, false],
      [platform('ratelimited'), 'slack_ratelimited', false, true],
      [Object.assign(new Error('x'), { code: 'slack_webapi_http_error', statusCode: 502 }), 'slack_http_502', false, true],
      [Object.assign(new Error('x'), { code: 'slack_webapi_http_error', statusCode: 400 }), 'slack_http_400', false, false],
      [Object.assign(new Error('x'), { code: 'slack_webapi_request_error', original: new Error('ECONNRESET') }), 'slack_unreachable', false, true],
    ] as const;
    for (const [err, code, permanent, retryable] of cases) {
      const d = toDeliveryError(err, 'slack:C1');
      expect([d.code, d.permanent, d.retryable]).toEqual([code, permanent, retryable]);
    }
  });

  it('reads the wait from a rate limit the WebClient gave up on', () => {
    const d = toDeliveryError(new Error('A rate limit was exceeded (url: x, retry-after: 30)'), 'slack:C1');
    expect([d.code, d.retryable, d.retryAfterMs]).toEqual(['slack_rate_limited', true, 30000]);
  });
});

describe('manifest.yaml', () => {
  const manifest = parse(readFileSync(new URL('../adapters/slack/manifest.yaml', import.meta.url), 'utf8'));

  it('declares exactly the commands and events the adapter listens to', () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(SLASH_COMMANDS.map((c) => `/${c}`));
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened', 'app_mention', 'message.im']);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('asks for the scopes the adapter uses and no more', () => {
    // The *:history scopes and im:write: looking up a brief's parts after a crash mid-post (conversations.history, conversations.open).
    expect(manifest.oauth_config.scopes.bot).toEqual([
      'app_mentions:read',
      'channels:read',
      'chat:write',
      'chat:write.public',
      'commands',
      'groups:read',
      'im:history',
      'channels:history',
      'groups:history',
      'mpim:history',
      'im:write',
    ]);
  });
});
