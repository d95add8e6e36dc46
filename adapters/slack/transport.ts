import { Agent, request } from 'undici';
import type { webApi } from '@slack/bolt';

type FetchResponse = Awaited<ReturnType<webApi.FetchFunction>>;

export interface SlackTransport {
  /** For the Web API client's `fetch` option (and Bolt's `respond()`). */
  fetch: webApi.FetchFunction;
  /** Closes the kept-alive connections once the requests in flight are answered. */
  close(): Promise<void>;
}

/**
 * The HTTP under the Web API client. The client takes any function shaped like `fetch` and
 * reads only status, headers and the body text of the answer; WHATWG `fetch` spends as much
 * CPU per call again on Request/Response objects and web streams (a profile of a brief going
 * to 1,000 channels: about a third of the bot's time per post), so a call goes out with
 * undici's `request` over kept-alive connections instead. Queueing, retries and rate limits
 * stay with the client. Form uploads (FormData), which the bot does not make, keep `fetch`.
 */
export function slackTransport(opts: { keepAliveMs?: number } = {}): SlackTransport {
  // Made on first use, and again after close(): an adapter stopped and started again still posts.
  let dispatcher: Agent | undefined;
  const send: webApi.FetchFunction = async (url, init = {}) => {
    if (init.body !== undefined && typeof init.body !== 'string') return (await fetch(url, init as RequestInit)) as FetchResponse;
    // The client asks for redirect: 'error'; request() never follows one, and the client
    // refuses any status but 200 and 429.
    const res = await request(url, {
      method: (init.method ?? 'GET') as 'GET',
      headers: init.headers,
      body: init.body,
      signal: init.signal,
      dispatcher: (dispatcher ??= new Agent({ keepAliveTimeout: opts.keepAliveMs ?? 30_000 })),
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    return answer(String(url), res.statusCode, res.headers, body);
  };
  return {
    fetch: send,
    async close() {
      const d = dispatcher;
      dispatcher = undefined;
      await d?.close();
    },
  };
}

function answer(url: string, status: number, raw: Record<string, string | string[] | undefined>, body: Buffer): FetchResponse {
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) headers.set(k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v);
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: '',
    url,
    headers: { get: (name) => headers.get(name.toLowerCase()) ?? null, entries: () => headers.entries() },
    arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    text: async () => body.toString('utf8'),
    json: async () => JSON.parse(body.toString('utf8')) as unknown,
  };
}
