import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import { BriefbotError, DeliveryError, type Adapter, type Core, type DeliveryRef, type Message, type PostResult } from '../../src/index.js';
import { boltLogger, quietLogger } from './bolt-logger.js';
import { apiBase, slackAdmins, slackMode, validateSlackConfig, type SlackAdapterConfig } from './config.js';
import { platformErrorCode, slackHint, toDeliveryError } from './errors.js';
import { registerListeners, type ListenerContext } from './listeners.js';
import { isUserId, parseTarget } from './incoming.js';
import { DELIVERY_EVENT, deliveryMetadata, partsFound, type HistoryMessage } from './metadata.js';
import { postArgs, renderMessage, type SlackPayload } from './render.js';
import { slackTransport } from './transport.js';

export interface SlackAdapter extends Adapter {
  readonly platform: 'slack';
  readonly mode: 'http' | 'socket';
  /** Where the HTTP receiver listens (HTTP mode, after start). */
  address(): { host: string; port: number } | undefined;
}

/**
 * The Slack side of briefbot: a Bolt app that turns slash commands, DMs, mentions
 * and button presses into CommandEvents for the core, and neutral Messages into
 * Block Kit. HTTP mode when only a signing secret is set, Socket Mode whenever an
 * app token is set.
 */
export function createSlackAdapter(config: SlackAdapterConfig): SlackAdapter {
  const problems = validateSlackConfig(config);
  if (problems.length) throw new BriefbotError('slack_config', `Slack is not configured correctly:\n- ${problems.join('\n- ')}`);

  // The caller binds its own context (bin/start.ts adds adapter: 'slack').
  const log = config.logger ?? quietLogger;
  const mode = slackMode(config);
  const bLog = boltLogger(log);
  const transport = slackTransport();
  const clientOptions = {
    // Kept-alive connections through undici's request(), not WHATWG fetch (transport.ts).
    fetch: transport.fetch,
    slackApiUrl: apiBase(config.apiUrl),
    timeout: config.apiTimeoutMs ?? 10_000,
    // A few quick retries of network errors and 5xx, then the scheduler's own backoff takes
    // over: Bolt's default (ten retries over thirty minutes) would hold one brief's delivery
    // for half an hour.
    retryConfig: { retries: config.apiRetries ?? 2, factor: 2, minTimeout: 250, maxTimeout: 2000, randomize: true },
    // Slack limits chat.postMessage per channel, but the client answers a 429 by pausing its
    // whole queue: one busy channel would stall a brief's other 999. Refused calls come back
    // at once (with Retry-After) and only that channel waits.
    rejectRateLimitedCalls: true,
    // Requests in flight at once; Slack itself takes far more than a brief's fan-out needs.
    maxRequestConcurrency: config.apiConcurrency ?? 100,
  };

  let socketReceiver: SocketModeReceiver | undefined;
  let httpReceiver: HTTPReceiver | undefined;
  if (mode === 'socket') {
    socketReceiver = new SocketModeReceiver({
      appToken: config.appToken as string,
      logger: bLog,
      logLevel: LogLevel.INFO,
      // Only apps.connections.open goes through this client. It keeps the Socket Mode
      // client's own patient retries: a reconnect that ran out of retries would reject
      // inside the client's reconnect timer, where nothing can catch it.
      installerOptions: { clientOptions: { slackApiUrl: clientOptions.slackApiUrl, timeout: clientOptions.timeout } },
    });
  } else {
    httpReceiver = new HTTPReceiver({
      signingSecret: config.signingSecret as string,
      logger: bLog,
      logLevel: LogLevel.INFO,
      port: config.port ?? 3000,
    });
  }

  const app = new App({
    token: config.botToken,
    receiver: socketReceiver ?? httpReceiver,
    logger: bLog,
    logLevel: LogLevel.INFO,
    clientOptions,
    deferInitialization: true,
  });
  // Scheduled posts go through a client that never repeats a call by itself: a 5xx or a
  // timeout may come after Slack stored the message, and a blind retry would post it twice.
  // The scheduler retries instead, after looking the delivery's key up in the channel.
  const scheduledClient = new webApi.WebClient(config.botToken, {
    ...clientOptions,
    logger: bLog,
    logLevel: LogLevel.INFO,
    retryConfig: { retries: 0 },
  });
  app.error(async (err) => {
    log.error({ err: err.message, code: err.code }, 'unhandled error in a Slack listener');
  });

  let core: Core | undefined;
  let server: Server | undefined;
  let connected = false;
  let started = false;
  const inFlight = new Set<Promise<unknown>>();

  const ctx: ListenerContext = {
    log,
    admins: slackAdmins(config.admins),
    configuredBotUserId: config.botUserId,
    core: () => {
      if (!core) throw new BriefbotError('slack_not_started', 'The Slack adapter received an event before start()');
      return core;
    },
    track: (p) => {
      inFlight.add(p);
      p.finally(() => inFlight.delete(p)).catch(() => {});
      return p;
    },
    post: (target, msg, extra) => post(target, msg, extra),
  };
  registerListeners(app, ctx);

  const rendered = new WeakMap<Message, ReturnType<typeof renderMessage>>();
  const serialised = new WeakMap<SlackPayload, string>();
  function blocksJson(p: SlackPayload): string {
    let json = serialised.get(p);
    if (json === undefined) serialised.set(p, (json = JSON.stringify(p.blocks)));
    return json;
  }

  async function post(target: string, msg: Message, extra?: { firstPartContext?: string; delivery?: DeliveryRef }): Promise<PostResult> {
    const channel = channelOf(target);
    // A scheduled brief goes to many channels as one Message: render it once.
    let payloads = extra?.firstPartContext ? undefined : rendered.get(msg);
    if (!payloads) {
      payloads = renderMessage(msg, extra?.firstPartContext ? 1 : 0);
      if (!extra?.firstPartContext) rendered.set(msg, payloads);
    }
    if (extra?.firstPartContext && payloads[0]) {
      payloads[0].blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: extra.firstPartContext }] });
    }
    const delivery = extra?.delivery;
    const ids: string[] = [];
    for (let i = delivery?.fromPart ?? 0; i < payloads.length; i++) {
      const args = {
        ...postArgs(channel, payloads[i]),
        // Sent as form fields either way: serialised once per rendered part, not once per channel.
        blocks: blocksJson(payloads[i]) as unknown as ReturnType<typeof postArgs>['blocks'],
        ...(delivery ? { metadata: deliveryMetadata(delivery.key, i) } : {}),
      };
      try {
        const res = await postPart(args, delivery !== undefined);
        const ts = String(res.ts ?? '');
        ids.push(ts);
        delivery?.onPosted?.(i, ts);
      } catch (err) {
        const d = toDeliveryError(err, target);
        if (i === 0) throw d;
        throw new DeliveryError(d.code, `${d.message} (after ${i} of ${payloads.length} parts were posted)`, {
          permanent: d.permanent,
          retryable: d.retryable,
          retryAfterMs: d.retryAfterMs,
          notPosted: d.notPosted,
          rateLimited: d.rateLimited,
          cause: err,
        });
      }
    }
    return { ids };
  }

  /**
   * One message. Slack allows about one message per second per channel (the later parts of
   * a split message run into it). A scheduled delivery hands a 429 straight to the scheduler,
   * which waits the Retry-After for this channel without using up an attempt and goes on from
   * this part; any other post (an answer, a notice) waits it out here, a few times. (The
   * client's own 429 handling would pause every channel's requests; rejectRateLimitedCalls
   * hands the 429 to us.)
   */
  async function postPart(args: ReturnType<typeof postArgs>, scheduled: boolean) {
    for (let tries = 0; ; tries++) {
      try {
        return await (scheduled ? scheduledClient : app.client).chat.postMessage(args);
      } catch (err) {
        const d = toDeliveryError(err, args.channel);
        if (scheduled || !d.rateLimited || tries >= 3) throw err;
        await new Promise((r) => setTimeout(r, Math.min(d.retryAfterMs ?? 1000, 30_000)));
      }
    }
  }

  function channelOf(target: string): string {
    const channel = parseTarget(target);
    if (!channel) {
      throw new DeliveryError('slack_bad_target', `"${target}" is not a Slack target (expected slack:C0123 for a channel or slack:U0123 for a DM)`, {
        permanent: true,
        notPosted: true,
      });
    }
    return channel;
  }

  /**
   * The parts of a delivery already in the channel: messages since `since` (a minute's slack
   * for clock skew) carrying our metadata with this delivery's key.
   */
  async function findPosted(target: string, key: string, since: Date): Promise<Map<number, string>> {
    try {
      let channel = channelOf(target);
      if (isUserId(channel)) {
        const opened = await app.client.conversations.open({ users: channel });
        channel = String(opened.channel?.id ?? channel);
      }
      const found = new Map<number, string>();
      let cursor: string | undefined;
      // Newest first; a brief's parts are among the first pages unless the channel is very busy.
      for (let page = 0; page < 10; page++) {
        const res = await app.client.conversations.history({
          channel,
          oldest: ((since.getTime() - 60_000) / 1000).toFixed(6),
          include_all_metadata: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        for (const [part, ts] of partsFound((res.messages ?? []) as HistoryMessage[], key)) found.set(part, ts);
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!res.has_more || !cursor) break;
      }
      return found;
    } catch (err) {
      const d = toDeliveryError(err, target);
      // The lookup failed, so whether the earlier attempt posted is still unknown: say why.
      throw new DeliveryError(d.code, `could not check what an interrupted delivery already posted (${DELIVERY_EVENT} metadata): ${d.message}`, {
        permanent: d.permanent,
        retryable: d.retryable,
        retryAfterMs: d.retryAfterMs,
        rateLimited: d.rateLimited,
        cause: err,
      });
    }
  }

  return {
    platform: 'slack',
    mode,
    async start(c: Core): Promise<void> {
      if (started) throw new BriefbotError('slack_already_started', 'The Slack adapter is already started');
      core = c;
      try {
        await app.init();
      } catch (err) {
        const code = platformErrorCode(err);
        const why = code ? `${code}${slackHint(code) ? `: ${slackHint(code)}` : ''}` : (err as Error).message;
        throw new BriefbotError('slack_auth', `Slack refused SLACK_BOT_TOKEN at start-up (${why})`, { cause: err });
      }
      if (socketReceiver) {
        const client = socketReceiver.client;
        client.on('connected', () => (connected = true));
        client.on('disconnected', () => (connected = false));
        client.on('reconnecting', () => (connected = false));
        try {
          await app.start();
        } catch (err) {
          await client.disconnect().catch(() => {});
          const code = platformErrorCode(err);
          throw new BriefbotError(
            'slack_socket',
            code
              ? `Slack refused SLACK_APP_TOKEN when opening the Socket Mode connection (${code}): it must be an app-level token (xapp-…) with connections:write`
              : `Could not open the Socket Mode connection to Slack: ${(err as Error).message}`,
            { cause: err },
          );
        }
        connected = true;
        log.info({ mode }, 'connected to Slack (Socket Mode)');
      } else {
        try {
          server = (await app.start({ port: config.port ?? 3000, host: config.host })) as unknown as Server;
        } catch (err) {
          const e = err as NodeJS.ErrnoException;
          const where = `${config.host ?? '*'}:${config.port ?? 3000}`;
          throw new BriefbotError(
            'slack_listen',
            e.code === 'EADDRINUSE'
              ? `SLACK_PORT: ${where} is already in use; pick another SLACK_PORT`
              : `Could not listen for Slack on ${where} (SLACK_HOST/SLACK_PORT): ${e.message}`,
            { cause: err },
          );
        }
        connected = true;
        const a = server.address() as AddressInfo;
        log.info({ mode, host: a.address, port: a.port }, 'listening for Slack at /slack/events');
      }
      started = true;
    },
    async stop(): Promise<void> {
      if (!started) return;
      started = false;
      if (socketReceiver) {
        await socketReceiver.client.disconnect();
      } else if (server) {
        const closing = app.stop();
        server.closeIdleConnections();
        await closing;
        server = undefined;
      }
      connected = false;
      // Answers already being worked on still reach the user: wait for them.
      await Promise.allSettled([...inFlight]);
      await transport.close();
    },
    post: (target, msg, delivery) => post(target, msg, delivery ? { delivery } : undefined),
    findPosted,
    isConnected: () => connected,
    address() {
      const a = server?.address();
      return a && typeof a === 'object' ? { host: a.address, port: a.port } : undefined;
    },
  };
}
