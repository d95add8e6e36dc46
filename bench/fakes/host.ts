/**
 * Runs a platform fake behind its rate-limiting proxy in a process of its own, so the
 * delivery benchmark measures the bot, not the fake sharing its event loop. Prints one
 * JSON line `{ "url": ... }` when listening; `GET /__bench/stats` on the proxy answers
 * the successful posts per channel and how many requests were refused with 429.
 *
 *   node --import tsx bench/fakes/host.ts discord|slack <channels>
 */
import { ALL_TEXT_PERMISSIONS, FakeDiscord } from '../../tests/fakes/discord/fake-discord.js';
import { startFakeSlack } from '../../tests/fakes/slack/fake-slack.js';
import { slidingWindow, startRateLimitProxy, type ProxyHooks } from './rate-limit-proxy.js';

export const DISCORD = {
  token: 'bench-token',
  applicationId: '111111111111111111',
  guildId: '222222222222222222',
  probe: '399999999999999999',
  globalPerSecond: 50,
  channel: (i: number) => String(300000000000000000n + BigInt(i)),
};
export const SLACK = {
  botToken: 'xoxb-bench-token',
  probe: 'CPROBE',
  perChannelPerSecond: 1,
  channel: (i: number) => `C${String(i).padStart(8, '0')}`,
};

async function main(): Promise<void> {
  const [platform, n] = [process.argv[2], Number(process.argv[3] ?? 0)];
  const counts: Record<string, number> = {};
  const count = (channel: string) => (counts[channel] = (counts[channel] ?? 0) + 1);
  let upstream: string;
  let close: () => Promise<void>;
  let hooks: ProxyHooks;
  if (platform === 'discord') {
    const fake = await FakeDiscord.start({
      token: DISCORD.token,
      applicationId: DISCORD.applicationId,
      bot: { id: '444444444444444444', username: 'briefbot', bot: true },
      guilds: [
        {
          id: DISCORD.guildId,
          name: 'Bench',
          ownerId: '777777777777777777',
          everyonePermissions: ALL_TEXT_PERMISSIONS,
          roles: [],
          channels: [...Array.from({ length: n }, (_, i) => DISCORD.channel(i)), DISCORD.probe].map((id, i) => ({ id, name: `news-${i}` })),
          members: [],
          botRoles: [],
        },
      ],
    });
    upstream = fake.apiUrl.replace(/\/api$/, '');
    close = () => fake.close();
    const window = slidingWindow(DISCORD.globalPerSecond, 1000);
    hooks = {
      limit() {
        if (window.take()) return undefined;
        const retryAfter = Math.max(0.001, window.wait() / 1000);
        return {
          status: 429,
          headers: { 'retry-after': retryAfter.toFixed(3), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
          body: JSON.stringify({ message: 'You are being rate limited.', retry_after: retryAfter, global: true }),
        };
      },
      forwarded(method, path, _body, status) {
        const m = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(path);
        if (method === 'POST' && m && status === 200) count(m[1]);
      },
    };
  } else if (platform === 'slack') {
    const fake = await startFakeSlack({ botToken: SLACK.botToken });
    upstream = fake.apiUrl.replace(/\/api\/?$/, '');
    close = () => fake.close();
    const last = new Map<string, number>();
    const channelOf = (body: string, type: unknown) =>
      String(type ?? '').includes('json') ? String((JSON.parse(body || '{}') as { channel?: string }).channel ?? '') : (new URLSearchParams(body).get('channel') ?? '');
    hooks = {
      limit(_method, path, body, headers) {
        if (!path.endsWith('/chat.postMessage')) return undefined;
        const channel = channelOf(body, headers['content-type']);
        const now = performance.now();
        const prev = last.get(channel);
        if (prev !== undefined && now - prev < 1000 / SLACK.perChannelPerSecond) {
          return { status: 429, headers: { 'retry-after': '1' }, body: JSON.stringify({ ok: false, error: 'ratelimited' }) };
        }
        last.set(channel, now);
        return undefined;
      },
      forwarded(_method, path, body, status, response, headers) {
        if (path.endsWith('/chat.postMessage') && status === 200 && response.includes('"ok":true')) count(channelOf(body, headers['content-type']));
      },
    };
  } else {
    throw new Error(`unknown platform "${platform}"`);
  }
  const proxy = await startRateLimitProxy(upstream, hooks, () => ({ counts, refused: proxy.refused }));
  process.stdout.write(`${JSON.stringify({ url: proxy.url })}\n`);
  const stop = async () => {
    await proxy.close();
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
}

if (process.argv[1]?.endsWith('host.ts')) await main();
