/**
 * Starts the real Slack adapter (real Bolt) against a FakeSlack, in HTTP or Socket
 * Mode, and gives tests one way to deliver commands, events and button presses in
 * either mode: signed HTTP posts to /slack/events, or Socket Mode envelopes.
 */
import type { CommandEvent, Core, Reply } from '../../../src/index.js';
import { createSlackAdapter, type SlackAdapter, type SlackAdapterConfig } from '../../../adapters/slack/index.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { signedPost, type SignedPostOptions } from './requests.js';

export const BOT_TOKEN = 'xoxb-1-fake-bot-token';
export const APP_TOKEN = 'xapp-1-fake-app-token';
export const SIGNING_SECRET = 'fake-signing-secret-0123456789abcdef';

export type Mode = 'http' | 'socket';

/** What delivering a payload produced: the HTTP status, or the Socket Mode ack. */
export type Delivery = { status: number; body: string } | { ack: { envelope_id: string; payload?: unknown } };

export interface Bot {
  mode: Mode;
  fake: FakeSlack;
  adapter: SlackAdapter;
  /** Every event the core was handed, in order. */
  events: CommandEvent[];
  command(fields: Record<string, string>, sign?: Partial<SignedPostOptions>): Promise<Delivery>;
  event(body: Record<string, unknown>, opts?: { retryNum?: number }): Promise<Delivery>;
  action(payload: Record<string, unknown>): Promise<Delivery>;
  close(): Promise<void>;
}

export function recordingCore(inner: Core, events: CommandEvent[]): Core {
  return {
    log: inner.log,
    briefNames: () => inner.briefNames(),
    claimOnce: (key, ttlMs) => inner.claimOnce(key, ttlMs),
    shares: inner.shares,
    home: inner.home?.bind(inner),
    suggestTopics: inner.suggestTopics?.bind(inner),
    async handle(event: CommandEvent): Promise<Reply> {
      events.push(event);
      return inner.handle(event);
    },
  };
}

export async function startBot(mode: Mode, core: Core, config: Partial<SlackAdapterConfig> = {}, fakeOpts: { memberPageSize?: number } = {}): Promise<Bot> {
  const fake = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN, ...fakeOpts });
  const events: CommandEvent[] = [];
  const adapter = createSlackAdapter({
    botToken: BOT_TOKEN,
    ...(mode === 'http' ? { signingSecret: SIGNING_SECRET } : { appToken: APP_TOKEN }),
    apiUrl: fake.apiUrl,
    port: 0,
    host: '127.0.0.1',
    ...config,
  });
  try {
    await adapter.start(recordingCore(core, events));
  } catch (err) {
    await fake.close();
    throw err;
  }
  const eventsUrl = () => {
    const a = adapter.address();
    if (!a) throw new Error('adapter is not listening');
    return `http://127.0.0.1:${a.port}/slack/events`;
  };
  const viaHttp = async (body: string, type: string, sign: Partial<SignedPostOptions> = {}): Promise<Delivery> => {
    const res = await signedPost(eventsUrl(), body, type, { secret: SIGNING_SECRET, ...sign });
    return { status: res.status, body: await res.text() };
  };
  return {
    mode,
    fake,
    adapter,
    events,
    async command(fields, sign) {
      if (mode === 'http') return viaHttp(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', sign);
      return { ack: await fake.sendEnvelope({ type: 'slash_commands', payload: fields }) };
    },
    async event(body, opts = {}) {
      if (mode === 'http') return viaHttp(JSON.stringify(body), 'application/json', { retryNum: opts.retryNum });
      return { ack: await fake.sendEnvelope({ type: 'events_api', payload: body, retryAttempt: opts.retryNum, retryReason: opts.retryNum ? 'timeout' : undefined }) };
    },
    async action(payload) {
      if (mode === 'http') return viaHttp(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
      return { ack: await fake.sendEnvelope({ type: 'interactive', payload }) };
    },
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
}

/** True when the delivery was acknowledged the way Slack wants (HTTP 200, or an ack envelope). */
export function acknowledged(d: Delivery): boolean {
  return 'ack' in d ? typeof d.ack.envelope_id === 'string' : d.status === 200;
}
