/**
 * The Slack adapter's HTTP under the real Web API client (adapters/slack/transport.ts):
 * calls share kept-alive connections, the client's timeout still ends a call Slack does not
 * answer (a post that may have gone through: in doubt, retryable), and the answer's status,
 * headers and body reach the client as fetch would give them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../adapters/slack/index.js';
import { DeliveryError } from '../src/errors.js';
import { silentLogger } from '../src/logger.js';
import { message } from '../src/messages/message.js';

const TOKEN = 'xoxb-transport-test';
const idleCore = { log: silentLogger, briefNames: () => [], handle: async () => ({ message: { title: '', blocks: [], text: '' } }) } as never;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A minimal Slack Web API: auth.test, and chat.postMessage answered by `post` (or never). */
async function slackApi(post: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  const seen = { connections: 0, bodies: [] as string[] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'invalid_auth' }));
      } else if (req.url === '/api/auth.test') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' }));
      } else if (req.url === '/api/chat.postMessage') {
        seen.bodies.push(body);
        post(req, body, res);
      } else {
        res.writeHead(404).end();
      }
    });
  });
  server.on('connection', () => seen.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, seen };
}

async function adapterFor(url: string, extra: { apiTimeoutMs?: number; apiRetries?: number } = {}): Promise<SlackAdapter> {
  const adapter = createSlackAdapter({ botToken: TOKEN, signingSecret: 'transport-test-secret', apiUrl: url, port: 0, host: '127.0.0.1', logger: silentLogger, ...extra });
  await adapter.start(idleCore);
  cleanups.push(() => adapter.stop());
  return adapter;
}

const brief = message([{ type: 'paragraph', text: 'Markets closed higher.' }], 'Morning brief');

describe('Slack transport', () => {
  it('posts one after another over kept-alive connections, with the form body the client built', async () => {
    let n = 0;
    const api = await slackApi((_req, _body, res) => {
      n++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, channel: 'C1', ts: `1.${n}` }));
    });
    const adapter = await adapterFor(api.url);
    const ids: unknown[] = [];
    for (let i = 0; i < 10; i++) ids.push(await adapter.post('slack:C1', brief));
    expect(ids).toEqual(Array.from({ length: 10 }, (_, k) => ({ ids: [`1.${k + 1}`] })));
    // auth.test and ten posts, one at a time: without keep-alive, eleven connections. undici
    // may open a second while the first is being handed back to its pool.
    expect(api.seen.connections).toBeLessThanOrEqual(2);
    const form = new URLSearchParams(api.seen.bodies[0]);
    expect(form.get('channel')).toBe('C1');
    expect(JSON.parse(form.get('blocks') ?? '[]')).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'header' })]));
  });

  it('hands a 429 with its Retry-After to the caller as a rate limit, nothing posted', async () => {
    const api = await slackApi((_req, _body, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' }).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    });
    const adapter = await adapterFor(api.url);
    const err = await adapter.post('slack:C1', brief, { key: 'morning|slot|slack:C1', fromPart: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ code: 'slack_rate_limited', rateLimited: true, retryAfterMs: 7000, notPosted: true, retryable: true });
    expect(api.seen.bodies).toHaveLength(1);
  });

  it('ends a post Slack does not answer at the client timeout, as in doubt and retryable', async () => {
    const api = await slackApi(() => {
      // Never answers: the post may or may not have been made.
    });
    const adapter = await adapterFor(api.url, { apiTimeoutMs: 300, apiRetries: 0 });
    const err = await adapter.post('slack:C1', brief).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ code: 'slack_unreachable', notPosted: false, retryable: true, rateLimited: false });
    expect(api.seen.bodies).toHaveLength(1);
  });
});
