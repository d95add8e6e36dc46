import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { apiChannel, apiGuild, apiMember, apiMessage, apiUser, snowflake, type FakeGuild, type FakeUser } from './payloads.js';

/**
 * A protocol-level fake of Discord on 127.0.0.1: the REST API under /api/v10 and
 * the gateway WebSocket, enough for an unmodified discord.js client to log in,
 * receive interactions and messages, reply, post and resume.
 */

/** Gateway intents (https://discord.com/developers/docs/events/gateway#gateway-intents). */
export const Intent = {
  Guilds: 1 << 0,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

export interface RecordedRequest {
  method: string;
  /** Path after /api, percent-decoded (so '@original' reads as such). */
  path: string;
  /** Path exactly as sent. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: any;
  /** The status the fake answered with. */
  status?: number;
}

export interface Failure {
  status: number;
  /** Discord JSON error code, e.g. 10003 Unknown Channel. */
  code?: number;
  message?: string;
  /** For 429: seconds, sent as the Retry-After header and retry_after in the body. */
  retryAfter?: number;
  /** How many matching requests fail (default 1). */
  times?: number;
}

/** The shard a guild's events travel on (https://discord.com/developers/docs/topics/gateway#sharding). */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

interface Dispatch {
  t: string;
  s: number;
  d: any;
  /** The intent the event needs, or 0 when it is always delivered. */
  intent: number;
}

export interface FakeDiscordOptions {
  token: string;
  applicationId: string;
  bot: FakeUser;
  guilds: FakeGuild[];
  /** Heartbeat interval sent in HELLO. */
  heartbeatIntervalMs?: number;
  /** How long a message's nonce is remembered for enforce_nonce ("the past few minutes"; default 5 min). */
  nonceWindowMs?: number;
  /** The shard count GET /gateway/bot recommends (default 1). */
  recommendedShards?: number;
}

type Handler = (req: RecordedRequest, params: string[]) => { status: number; body?: unknown } | undefined;

/** One gateway session: a client's IDENTIFY for one shard, surviving reconnects through RESUME. */
interface Session {
  id: string;
  ws: WebSocket | undefined;
  /** Whether the current socket has the session (READY or RESUMED sent); before that, dispatches wait for RESUME. */
  live: boolean;
  intents: number;
  shard: [number, number];
  seq: number;
  /** What this session was sent (or would have been), for RESUME to replay. */
  dispatches: Dispatch[];
}

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  /** IDENTIFY and RESUME payloads received, in order. */
  readonly gatewayLog: { op: number; d: any }[] = [];
  /** Commands as last registered, per route ('global' or the guild id). */
  readonly commands = new Map<string, any[]>();
  /** Dispatches sent to clients, with the shard that carried them (guild events go to the guild's shard, DMs to shard 0). */
  readonly delivered: { t: string; shard: number; session: string }[] = [];
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly sessions: Session[] = [];
  /** The socket each connection is on, before and after it IDENTIFYs or RESUMEs. */
  private readonly bySocket = new Map<WebSocket, Session | undefined>();
  private readonly failures: { method?: string; path: RegExp; failure: Failure }[] = [];
  private readonly dmChannels = new Map<string, string>(); // user id -> channel id
  /** Messages created per channel, oldest first. */
  private readonly channelMessages = new Map<string, any[]>();
  /** `${author}:${nonce}` → the message created with it and when (for enforce_nonce). */
  private readonly nonces = new Map<string, { at: number; message: any }>();
  /**
   * Called when a channel message has been created, before the answer is sent. A test may
   * kill the poster here: the message exists, the poster never hears so.
   */
  onAccepted?: (channelId: string, message: any) => void;
  private readonly waiters: { pred: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  private readonly eventWaiters: { pred: (op: number, t?: string) => boolean; resolve: () => void }[] = [];
  private port = 0;
  private readonly routes: [string, RegExp, Handler][];

  private constructor(readonly opts: FakeDiscordOptions) {
    this.http = createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ server: this.http, path: '/gateway' });
    this.wss.on('connection', (ws) => this.onConnection(ws));
    this.routes = this.buildRoutes();
  }

  static async start(opts: FakeDiscordOptions): Promise<FakeDiscord> {
    const fake = new FakeDiscord(opts);
    await new Promise<void>((resolve) => fake.http.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.http.address() as AddressInfo).port;
    return fake;
  }

  /** The REST base for `new Client({ rest: { api } })`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** Whether any client holds a live gateway session. */
  get connected(): boolean {
    return this.sessions.some((x) => x.ws !== undefined && x.live);
  }

  /** The shards with a live session, as [id, count]. */
  liveShards(): [number, number][] {
    return this.sessions.filter((x) => x.ws !== undefined && x.live).map((x) => x.shard);
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ---- test controls ---------------------------------------------------------

  /** The next request matching `method` and `path` (after /api) gets `failure` instead of its answer. */
  failNext(method: string | undefined, path: RegExp, failure: Failure): void {
    this.failures.push({ method, path, failure });
  }

  /** Resolves with the first recorded request (past or future) matching `pred`. */
  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs = 10_000): Promise<RecordedRequest> {
    const seen = this.requests.find(pred);
    if (seen) return Promise.resolve(seen);
    return withTimeout(
      new Promise((resolve) => this.waiters.push({ pred, resolve })),
      timeoutMs,
      'request',
    );
  }

  /** Resolves when the gateway next sends op `op` (and dispatch type `t`). */
  waitForGateway(pred: (op: number, t?: string) => boolean, timeoutMs = 10_000): Promise<void> {
    return withTimeout(new Promise<void>((resolve) => this.eventWaiters.push({ pred, resolve })), timeoutMs, 'gateway event');
  }

  /**
   * Closes the clients' sockets (or only the one on `shard`) as Discord does on a server-side
   * hiccup. `endSession` also forgets the sessions (as after 4009, session timed out), so a
   * RESUME is answered with op 9 and the client has to IDENTIFY again.
   */
  dropConnection(code = 4000, shard?: number, opts: { endSession?: boolean } = {}): void {
    for (const x of [...this.sessions]) {
      if (!x.ws || (shard !== undefined && x.shard[0] !== shard)) continue;
      const ws = x.ws;
      x.ws = undefined;
      x.live = false;
      this.bySocket.delete(ws);
      if (opts.endSession) this.sessions.splice(this.sessions.indexOf(x), 1);
      ws.close(code, 'fake: dropped');
    }
  }

  /**
   * Sends (or, while disconnected, keeps for RESUME) a dispatch the client's intents allow, on
   * the shard Discord would use: a guild's events on (guild_id >> 22) % shard_count, the rest on 0.
   */
  dispatch(t: string, d: any, intent = 0): void {
    const guildId: string | undefined = t === 'GUILD_CREATE' ? d?.id : d?.guild_id;
    for (const x of this.sessions) {
      const [id, count] = x.shard;
      if ((guildId ? shardOf(guildId, count) : 0) === id) this.sendDispatch(x, t, d, intent);
    }
  }

  /** A user runs a slash command. Returns the interaction id and token. */
  slashCommand(opts: {
    name: string;
    options?: unknown[];
    user: FakeUser;
    channelId: string;
    guildId?: string;
    roles?: string[];
    /** The member's permissions in the channel (Discord computes them with overwrites). */
    memberPermissions?: bigint;
    /** The bot's permissions in the channel. */
    appPermissions?: bigint;
    type?: 2 | 4;
  }): { id: string; token: string } {
    const id = snowflake();
    const token = `itok-${randomUUID()}`;
    const guild = opts.guildId ? this.opts.guilds.find((g) => g.id === opts.guildId) : undefined;
    const channel = guild
      ? apiChannel(guild.channels.find((c) => c.id === opts.channelId) ?? { id: opts.channelId, name: 'unknown' }, guild.id)
      : { id: opts.channelId, type: 1, recipients: [apiUser(opts.user)], last_message_id: null, flags: 0 };
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.opts.applicationId,
      type: opts.type ?? 2,
      token,
      version: 1,
      locale: 'en-US',
      data: { id: snowflake(), name: opts.name, type: 1, options: opts.options ?? [] },
      channel,
      channel_id: opts.channelId,
      entitlements: [],
      app_permissions: (opts.appPermissions ?? ALL_TEXT_PERMISSIONS).toString(),
      authorizing_integration_owners: { '0': guild?.id ?? opts.user.id },
      context: guild ? 0 : 1,
      attachment_size_limit: 10485760,
      ...(guild
        ? { guild_id: guild.id, guild_locale: 'en-US', guild: { id: guild.id, locale: 'en-US', features: [] }, member: apiMember(opts.user, opts.roles ?? [], opts.memberPermissions ?? 0n) }
        : { user: apiUser(opts.user) }),
    });
    return { id, token };
  }

  /**
   * A user types into an autocomplete option (APPLICATION_COMMAND_AUTOCOMPLETE, type 4):
   * `focused` is the option being typed, under `subcommand` when there is one. The bot
   * must answer with a type 8 callback carrying the choices.
   */
  autocomplete(opts: { name: string; subcommand?: string; focused: { name: string; value: string }; user: FakeUser; channelId: string; guildId?: string }): { id: string; token: string } {
    const option = { type: 3, name: opts.focused.name, value: opts.focused.value, focused: true };
    const options = opts.subcommand ? [{ type: 1, name: opts.subcommand, options: [option] }] : [option];
    return this.slashCommand({ name: opts.name, options, user: opts.user, channelId: opts.channelId, guildId: opts.guildId, type: 4 });
  }

  /** A user sends a DM to the bot. */
  directMessage(user: FakeUser, content: string): string {
    const channelId = this.dmChannelFor(user.id);
    const msg = { ...apiMessage({ channelId, author: user, content }), channel_type: 1 };
    this.dispatch('MESSAGE_CREATE', msg, Intent.DirectMessages);
    return msg.id;
  }

  /** A user posts in a guild channel; `content` may mention the bot as <@id>. */
  guildMessage(opts: { guildId: string; channelId: string; user: FakeUser; roles?: string[]; content: string }): string {
    const mentionsBot = opts.content.includes(`<@${this.opts.bot.id}>`) || opts.content.includes(`<@!${this.opts.bot.id}>`);
    const msg = {
      ...apiMessage({ channelId: opts.channelId, guildId: opts.guildId, author: opts.user, content: opts.content, mentions: mentionsBot ? [this.opts.bot] : [] }),
      channel_type: 0,
      member: { ...apiMember(opts.user, opts.roles ?? []), user: undefined },
    };
    this.dispatch('MESSAGE_CREATE', msg, Intent.GuildMessages);
    return msg.id;
  }

  dmChannelFor(userId: string): string {
    let id = this.dmChannels.get(userId);
    if (!id) {
      id = snowflake();
      this.dmChannels.set(userId, id);
    }
    return id;
  }

  /** Messages created in a channel (by anyone through the REST API), oldest first. */
  messagesIn(channelId: string): any[] {
    return this.channelMessages.get(channelId) ?? [];
  }

  /** Requests to a path (after /api, decoded) matching `path`. */
  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  // ---- gateway ---------------------------------------------------------------

  private allowed(x: Session, ev: Dispatch): boolean {
    return ev.intent === 0 || (x.intents & ev.intent) !== 0;
  }

  private sendDispatch(x: Session, t: string, d: unknown, intent: number): void {
    const ev: Dispatch = { t, d, s: ++x.seq, intent };
    x.dispatches.push(ev);
    if (x.ws && x.live && this.allowed(x, ev)) this.send(x, x.ws, { op: 0, t, s: ev.s, d });
  }

  private send(x: Session | undefined, ws: WebSocket, payload: { op: number; d: unknown; t?: string | null; s?: number | null }): void {
    const full = { t: null, s: null, ...payload };
    let d = full.d as any;
    // Without the privileged MessageContent intent Discord blanks content, except in DMs and messages mentioning the bot.
    if (full.t === 'MESSAGE_CREATE' && ((x?.intents ?? 0) & Intent.MessageContent) === 0 && d.guild_id) {
      const mentioned = (d.mentions as { id: string }[]).some((u) => u.id === this.opts.bot.id);
      if (!mentioned) d = { ...d, content: '', embeds: [], attachments: [] };
    }
    ws.send(JSON.stringify({ ...full, d }));
    if (x && full.op === 0 && full.t) this.delivered.push({ t: full.t, shard: x.shard[0], session: x.id });
    for (const w of [...this.eventWaiters]) {
      if (w.pred(full.op, full.t ?? undefined)) {
        this.eventWaiters.splice(this.eventWaiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  private onConnection(ws: WebSocket): void {
    this.bySocket.set(ws, undefined);
    ws.on('close', () => {
      const x = this.bySocket.get(ws);
      this.bySocket.delete(ws);
      if (x && x.ws === ws) {
        x.ws = undefined;
        x.live = false;
      }
    });
    ws.on('message', (raw) => this.onGatewayMessage(ws, JSON.parse(raw.toString())));
    this.send(undefined, ws, { op: 10, d: { heartbeat_interval: this.opts.heartbeatIntervalMs ?? 45_000 } });
  }

  private onGatewayMessage(ws: WebSocket, msg: { op: number; d: any }): void {
    if (!this.bySocket.has(ws)) return;
    const current = this.bySocket.get(ws);
    switch (msg.op) {
      case 1: // heartbeat
        this.send(current, ws, { op: 11, d: null });
        return;
      case 2: {
        // IDENTIFY: a new session for the shard named (one unsharded session when none is).
        if (msg.d.token !== this.opts.token) return ws.close(4004, 'Authentication failed.');
        const shard: [number, number] = Array.isArray(msg.d.shard) ? [Number(msg.d.shard[0]), Number(msg.d.shard[1])] : [0, 1];
        if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])) return ws.close(4010, 'Invalid shard.');
        this.gatewayLog.push({ op: 2, d: msg.d });
        const x: Session = { id: randomUUID(), ws, live: true, intents: Number(msg.d.intents), shard, seq: 0, dispatches: [] };
        if (current?.ws === ws) current.ws = undefined;
        this.sessions.push(x);
        this.bySocket.set(ws, x);
        const mine = this.opts.guilds.filter((g) => shardOf(g.id, shard[1]) === shard[0]);
        const ready = {
          v: 10,
          user: { ...apiUser(this.opts.bot), bot: true, verified: true, mfa_enabled: false },
          guilds: mine.map((g) => ({ id: g.id, unavailable: true })),
          session_id: x.id,
          session_type: 'normal',
          resume_gateway_url: `ws://127.0.0.1:${this.port}/gateway`,
          shard,
          application: { id: this.opts.applicationId, flags: 0 },
          private_channels: [],
          presences: [],
          relationships: [],
          geo_ordered_rtc_regions: [],
          user_settings: {},
          guild_join_requests: [],
        };
        this.sendDispatch(x, 'READY', ready, 0);
        for (const g of mine) this.sendDispatch(x, 'GUILD_CREATE', apiGuild(g, this.opts.bot), Intent.Guilds);
        return;
      }
      case 6: {
        // RESUME: replay what the client missed, then RESUMED.
        this.gatewayLog.push({ op: 6, d: msg.d });
        if (msg.d.token !== this.opts.token) return ws.close(4004, 'Authentication failed.');
        const x = this.sessions.find((y) => y.id === msg.d.session_id);
        if (!x) {
          this.send(undefined, ws, { op: 9, d: false });
          return;
        }
        if (x.ws && x.ws !== ws) x.ws.close(4000, 'fake: resumed elsewhere');
        x.ws = ws;
        x.live = false;
        this.bySocket.set(ws, x);
        for (const ev of x.dispatches) {
          if (ev.s > Number(msg.d.seq) && this.allowed(x, ev)) this.send(x, ws, { op: 0, t: ev.t, s: ev.s, d: ev.d });
        }
        x.live = true;
        this.sendDispatch(x, 'RESUMED', {}, 0);
        return;
      }
      default:
        return;
    }
  }

  // ---- REST ------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawPath = url.pathname.replace(/^\/api/, '');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      rawPath,
      path: decodeURIComponent(rawPath),
      query: url.searchParams,
      headers: req.headers,
      body: text ? safeJson(text) : undefined,
    };
    this.requests.push(rec);
    for (const w of [...this.waiters]) {
      if (w.pred(rec)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(rec);
      }
    }

    const failureAt = this.failures.findIndex((f) => (!f.method || f.method === rec.method) && f.path.test(rec.path));
    if (failureAt >= 0) {
      const entry = this.failures[failureAt];
      const left = (entry.failure.times ?? 1) - 1;
      if (left <= 0) this.failures.splice(failureAt, 1);
      else entry.failure = { ...entry.failure, times: left };
      rec.status = entry.failure.status;
      return this.fail(res, entry.failure);
    }

    for (const [method, pattern, handler] of this.routes) {
      const m = pattern.exec(rec.path);
      if (method !== rec.method || !m) continue;
      const interactionRoute = /^\/v10\/(interactions|webhooks)\//.test(rec.path);
      if (!interactionRoute && req.headers.authorization !== `Bot ${this.opts.token}`) {
        rec.status = 401;
        return json(res, 401, { message: '401: Unauthorized', code: 0 });
      }
      const out = handler(rec, m.slice(1));
      if (!out) break;
      rec.status = out.status;
      if (out.status === 204) {
        // discord.js parses any JSON content-type, so a real 204 carries none.
        res.writeHead(204).end();
        return;
      }
      return json(res, out.status, out.body);
    }
    rec.status = 404;
    json(res, 404, { message: '404: Not Found', code: 0 });
  }

  private fail(res: ServerResponse, f: Failure): void {
    if (f.status === 429) {
      const after = f.retryAfter ?? 1;
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(after),
        'x-ratelimit-scope': 'user',
        'x-ratelimit-bucket': 'fake-bucket',
      });
      res.end(JSON.stringify({ message: 'You are being rate limited.', retry_after: after, global: false }));
      return;
    }
    json(res, f.status, { message: f.message ?? `Error ${f.code ?? f.status}`, code: f.code ?? 0 });
  }

  /**
   * Creates a message as Discord does: a nonce (≤ 25 characters) with enforce_nonce that the
   * same author used within the window returns that message instead of creating another.
   */
  private createMessage(ch: string, body: any, make: (channelId: string, body: any) => any): { status: number; body: unknown } {
    if (!this.knownChannel(ch)) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
    const nonce = body?.nonce;
    if (nonce !== undefined && (typeof nonce === 'string' ? nonce.length > 25 : !Number.isInteger(nonce))) {
      return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { nonce: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be 25 or fewer in length.' }] } } } };
    }
    const nonceKey = nonce !== undefined && body?.enforce_nonce === true ? `${this.opts.bot.id}:${String(nonce)}` : undefined;
    const now = Date.now();
    if (nonceKey) {
      const seen = this.nonces.get(nonceKey);
      if (seen && now - seen.at < (this.opts.nonceWindowMs ?? 5 * 60_000)) return { status: 200, body: seen.message };
    }
    const message = { ...make(ch, body), ...(nonce !== undefined ? { nonce } : {}) };
    this.channelMessages.set(ch, [...(this.channelMessages.get(ch) ?? []), message]);
    if (nonceKey) this.nonces.set(nonceKey, { at: now, message });
    this.onAccepted?.(ch, message);
    return { status: 200, body: message };
  }

  private knownChannel(id: string): boolean {
    return this.opts.guilds.some((g) => g.channels.some((c) => c.id === id)) || [...this.dmChannels.values()].includes(id);
  }

  private buildRoutes(): [string, RegExp, Handler][] {
    const bot = this.opts.bot;
    const app = this.opts.applicationId;
    const botMessage = (channelId: string, body: any, extra: Record<string, unknown> = {}) => ({
      ...apiMessage({ channelId, author: { ...bot, bot: true }, content: body?.content ?? '', embeds: body?.embeds ?? [], flags: body?.flags ?? 0 }),
      ...extra,
    });
    const registered = (key: string, body: any[]) => {
      const cmds = body.map((c) => ({ ...c, id: snowflake(), application_id: app, version: snowflake(), ...(key === 'global' ? {} : { guild_id: key }) }));
      this.commands.set(key, cmds);
      return { status: 200, body: cmds };
    };
    return [
      [
        'GET',
        /^\/v10\/gateway\/bot$/,
        () => ({
          status: 200,
          body: {
            url: `ws://127.0.0.1:${this.port}/gateway`,
            shards: this.opts.recommendedShards ?? 1,
            session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
          },
        }),
      ],
      ['GET', /^\/v10\/users\/@me$/, () => ({ status: 200, body: { ...apiUser(bot), bot: true } })],
      ['GET', /^\/v10\/applications\/(\d+)\/commands$/, (_r, [a]) => (a === app ? { status: 200, body: this.commands.get('global') ?? [] } : { status: 403, body: { message: 'Missing Access', code: 50001 } })],
      [
        'GET',
        /^\/v10\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
        (_r, [a, g]) => (a === app && this.opts.guilds.some((x) => x.id === g) ? { status: 200, body: this.commands.get(g) ?? [] } : { status: 403, body: { message: 'Missing Access', code: 50001 } }),
      ],
      ['PUT', /^\/v10\/applications\/(\d+)\/commands$/, (r, [a]) => (a === app ? registered('global', r.body) : { status: 403, body: { message: 'Missing Access', code: 50001 } })],
      [
        'PUT',
        /^\/v10\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
        (r, [a, g]) =>
          a === app && this.opts.guilds.some((x) => x.id === g) ? registered(g, r.body) : { status: 403, body: { message: 'Missing Access', code: 50001 } },
      ],
      [
        'POST',
        /^\/v10\/interactions\/(\d+)\/([^/]+)\/callback$/,
        (r, [id]) =>
          r.query.get('with_response') === 'true'
            ? { status: 200, body: { interaction: { id, type: 2, response_message_loading: r.body?.type === 5, response_message_ephemeral: Boolean((r.body?.data?.flags ?? 0) & 64) }, resource: { type: r.body?.type } } }
            : { status: 204 },
      ],
      ['PATCH', /^\/v10\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/, (r) => ({ status: 200, body: botMessage(snowflake(), r.body, { webhook_id: app, application_id: app }) })],
      ['GET', /^\/v10\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/, () => ({ status: 200, body: botMessage(snowflake(), {}, { webhook_id: app }) })],
      ['DELETE', /^\/v10\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/, () => ({ status: 204 })],
      ['POST', /^\/v10\/webhooks\/(\d+)\/([^/]+)$/, (r) => ({ status: 200, body: botMessage(snowflake(), r.body, { webhook_id: app, application_id: app }) })],
      ['POST', /^\/v10\/channels\/(\d+)\/messages$/, (r, [ch]) => this.createMessage(ch, r.body, botMessage)],
      ['POST', /^\/v10\/channels\/(\d+)\/typing$/, (_r, [ch]) => (this.knownChannel(ch) ? { status: 204 } : { status: 404, body: { message: 'Unknown Channel', code: 10003 } })],
      [
        'POST',
        /^\/v10\/users\/@me\/channels$/,
        (r) => {
          const userId = String(r.body?.recipient_id ?? '');
          if (!/^\d+$/.test(userId)) return { status: 400, body: { message: 'Invalid Form Body', code: 50035 } };
          return {
            status: 200,
            body: { id: this.dmChannelFor(userId), type: 1, last_message_id: null, flags: 0, recipients: [apiUser({ id: userId, username: `user${userId.slice(-4)}` })] },
          };
        },
      ],
    ];
  }
}

/** View Channel, Send Messages, Embed Links, Read Message History. */
export const ALL_TEXT_PERMISSIONS = (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n);

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`fake discord: no ${what} within ${ms} ms`)), ms);
    }),
  ]);
}
