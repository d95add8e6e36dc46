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
import { slidingWindow, startRateLimitProxy, type ProxyHooks, type Refusal } from './rate-limit-proxy.js';

export const DISCORD = {
  token: 'bench-token',
  applicationId: '111111111111111111',
  guildId: '222222222222222222',
  probe: '399999999999999999',
  globalPerSecond: 50,
  /** Discord's bucket for POST /channels/{id}/messages: 5 per 5 s per channel. */
  perChannel: 5,
  perChannelWindowMs: 5_000,
  channel: (i: number) => String(300000000000000000n + BigInt(i)),
};
export const SLACK = {
  botToken: 'xoxb-bench-token',
  probe: 'CPROBE',
  perChannelPerSecond: 1,
  channel: (i: number) => `C${String(i).padStart(8, '0')}`,
};

/**
 * Per-channel buckets as Discord reports them: a bucket opens with the first request,
 * allows `limit` until it resets `windowMs` later, and every answer says where it stands
 * (X-RateLimit-Limit, -Remaining, -Reset, -Reset-After, -Bucket).
 */
function channelBuckets(limit: number, windowMs: number) {
  const state = new Map<string, { resetAt: number; used: number }>();
  const current = (channel: string) => {
    const now = Date.now();
    let b = state.get(channel);
    if (!b || now >= b.resetAt) state.set(channel, (b = { resetAt: now + windowMs, used: 0 }));
    return b;
  };
  return {
    take(channel: string): boolean {
      const b = current(channel);
      if (b.used >= limit) return false;
      b.used++;
      return true;
    },
    headers(channel: string): Record<string, string> {
      const b = current(channel);
      return {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(Math.max(0, limit - b.used)),
        'x-ratelimit-reset': (b.resetAt / 1000).toFixed(3),
        'x-ratelimit-reset-after': (Math.max(0, b.resetAt - Date.now()) / 1000).toFixed(3),
        'x-ratelimit-bucket': 'bench-channel-messages',
      };
    },
  };
}

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
    const buckets = channelBuckets(DISCORD.perChannel, DISCORD.perChannelWindowMs);
    const channelOf = (method: string, path: string) => (method === 'POST' ? /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(path)?.[1] : undefined);
    hooks = {
      limit(method, path): Refusal | undefined {
        // Interaction endpoints are exempt from the global limit, as on Discord.
        if (!/\/(interactions|webhooks)\//.test(path) && !window.take()) {
          const retryAfter = Math.max(0.001, window.wait() / 1000);
          return {
            status: 429,
            headers: { 'retry-after': retryAfter.toFixed(3), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
            body: JSON.stringify({ message: 'You are being rate limited.', retry_after: retryAfter, global: true }),
          };
        }
        const channel = channelOf(method, path);
        if (channel === undefined || buckets.take(channel)) return undefined;
        const h = buckets.headers(channel);
        return {
          status: 429,
          headers: { ...h, 'retry-after': h['x-ratelimit-reset-after'], 'x-ratelimit-scope': 'user' },
          body: JSON.stringify({ message: 'You are being rate limited.', retry_after: Number(h['x-ratelimit-reset-after']), global: false }),
        };
      },
      headers(method, path) {
        const channel = channelOf(method, path);
        return channel === undefined ? undefined : buckets.headers(channel);
      },
      forwarded(method, path, _body, status) {
        const channel = channelOf(method, path);
        if (channel !== undefined && status === 200) count(channel);
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
