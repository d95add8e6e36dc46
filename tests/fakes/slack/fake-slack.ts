/**
 * A protocol-level fake of the parts of Slack briefbot talks to: the Web API
 * (form-encoded POSTs to /api/<method>, Bearer tokens), response_url endpoints,
 * and the Socket Mode WebSocket. It records every request, enforces Block Kit's
 * limits the way Slack does (invalid_blocks), and can be told to fail: a 429 with
 * Retry-After, a 5xx, or a platform error such as not_in_channel.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

export interface ApiCall {
  method: string;
  /** Arguments with JSON-encoded fields (blocks, attachments) decoded. */
  args: Record<string, unknown>;
  token?: string;
  /** HTTP status the fake answered with. */
  status: number;
  /** The Slack error code the fake answered with, if any. */
  error?: string;
}

export interface ResponseUrlCall {
  id: string;
  body: Record<string, unknown>;
}

/** A message as the fake keeps it in a channel's history. */
export interface StoredMessage {
  ts: string;
  text?: unknown;
  blocks?: unknown;
  bot_id: string;
  user: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/**
 * How the next call fails. `afterPosting`: a chat.postMessage is stored in the channel first
 * and only then answered with the status, as when Slack's answer is lost on its way back.
 */
export type Failure = { status: 429; retryAfter: number } | { status: 500 | 502 | 503; afterPosting?: boolean } | { error: string };

export interface FakeSlackOptions {
  botToken: string;
  appToken?: string;
  botUserId?: string;
  botId?: string;
  teamId?: string;
  /** conversations.members page size, to exercise cursor paging. */
  memberPageSize?: number;
}

export interface Envelope {
  type: 'events_api' | 'slash_commands' | 'interactive';
  payload: Record<string, unknown>;
  retryAttempt?: number;
  retryReason?: string;
}

const LIMITS = { blocks: 50, viewBlocks: 100, section: 3000, header: 150, context: 10, contextText: 3000, actions: 25 };

/** Slack's own checks on a message's blocks (or a view's: 100 of them), as the reasons it would give. */
export function blockProblems(blocks: unknown, maxBlocks: number = LIMITS.blocks): string[] {
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  const problems: string[] = [];
  if (blocks.length > maxBlocks) problems.push(`no more than ${maxBlocks} items allowed [json-pointer:/blocks]`);
  blocks.forEach((b: Record<string, any>, i) => {
    const at = `[json-pointer:/blocks/${i}]`;
    switch (b?.type) {
      case 'header':
        if (b.text?.type !== 'plain_text') problems.push(`header text must be plain_text ${at}`);
        if (typeof b.text?.text !== 'string' || b.text.text.length === 0) problems.push(`header text must not be empty ${at}`);
        else if (b.text.text.length > LIMITS.header) problems.push(`must be less than ${LIMITS.header + 1} characters ${at}/text/text`);
        break;
      case 'section':
        if (typeof b.text?.text !== 'string' || b.text.text.length === 0) problems.push(`section text must not be empty ${at}`);
        else if (b.text.text.length > LIMITS.section) problems.push(`must be less than ${LIMITS.section + 1} characters ${at}/text/text`);
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length === 0) problems.push(`context needs elements ${at}`);
        else {
          if (b.elements.length > LIMITS.context) problems.push(`no more than ${LIMITS.context} items allowed ${at}/elements`);
          b.elements.forEach((e: Record<string, any>, j: number) => {
            if (typeof e?.text !== 'string' || e.text.length === 0) problems.push(`context element must have text ${at}/elements/${j}`);
            else if (e.text.length > LIMITS.contextText) problems.push(`must be less than ${LIMITS.contextText + 1} characters ${at}/elements/${j}/text`);
          });
        }
        break;
      case 'actions':
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > LIMITS.actions) problems.push(`bad actions elements ${at}`);
        break;
      case 'divider':
        break;
      default:
        problems.push(`unknown block type ${String(b?.type)} ${at}`);
    }
  });
  return problems;
}

function decodeForm(raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = (k === 'blocks' || k === 'attachments' || k === 'metadata' || k === 'view') && /^[[{]/.test(v) ? JSON.parse(v) : v;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly responses: ResponseUrlCall[] = [];
  /** Every message the bot sent over Socket Mode (acks). */
  readonly socketAcks: Array<{ envelope_id: string; payload?: unknown }> = [];
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  private readonly members = new Map<string, string[]>();
  private readonly channelErrors = new Map<string, string>();
  private readonly failures = new Map<string, Failure[]>();
  /** Messages posted per channel (DMs under the DM channel id), oldest first. */
  private readonly history = new Map<string, StoredMessage[]>();
  private readonly dmChannels = new Map<string, string>();
  /**
   * Called when a chat.postMessage has been accepted (stored), before the answer is sent.
   * A test may kill the poster here: the message exists, the poster never hears so.
   */
  onAccepted?: (channel: string, message: StoredMessage) => void;
  private readonly sockets = new Set<WebSocket>();
  private readonly tcp = new Set<Socket>();
  private readonly pendingAcks = new Map<string, (msg: { envelope_id: string; payload?: unknown }) => void>();
  /** Last message ts in microseconds: Slack's ts is the posting time (seconds.micros), unique per channel. */
  private lastTsMicros = 0;
  private server!: Server;
  private wss!: WebSocketServer;
  url = '';

  constructor(private readonly opts: FakeSlackOptions) {
    this.botUserId = opts.botUserId ?? 'UBOT';
    this.botId = opts.botId ?? 'BBOT';
    this.teamId = opts.teamId ?? 'T0001';
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
    this.server.on('connection', (s) => {
      this.tcp.add(s);
      s.on('close', () => this.tcp.delete(s));
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/link')) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The users in a channel, for conversations.members. */
  setMembers(channel: string, users: string[]): void {
    this.members.set(channel, users);
  }

  /** Every call touching this channel fails with `error` (channel_not_found, is_archived…). */
  setChannelError(channel: string, error: string): void {
    this.channelErrors.set(channel, error);
  }

  clearChannelError(channel: string): void {
    this.channelErrors.delete(channel);
  }

  /** The next call(s) to `method` fail as described, in order. */
  failNext(method: string, ...failures: Failure[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...failures]);
  }

  /** Forgets the failures still queued by failNext (Slack is well again). */
  clearFailures(): void {
    this.failures.clear();
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** What a channel holds (a user id names their DM), oldest first. */
  messagesIn(channel: string): StoredMessage[] {
    return this.history.get(this.dmChannels.get(channel) ?? channel) ?? [];
  }

  /** The Home tab views published for a user, oldest first (successful views.publish calls). */
  homeViews(user: string): { blocks: any[]; private_metadata?: string }[] {
    return this.callsTo('views.publish')
      .filter((c) => c.status === 200 && !c.error && c.args.user_id === user)
      .map((c) => c.args.view as { blocks: any[]; private_metadata?: string });
  }

  /** Successful chat.postMessage calls. */
  posts(): ApiCall[] {
    return this.callsTo('chat.postMessage').filter((c) => c.status === 200 && !c.error);
  }

  responseUrl(id: string = randomUUID()): string {
    return `${this.url}/respond/${id}`;
  }

  responsesFor(id: string): ResponseUrlCall[] {
    return this.responses.filter((r) => r.id === id);
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  /** Asks every connected client to reconnect, as Slack does when it recycles a server. */
  requestReconnect(reason = 'refresh_requested'): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
  }

  /** How many Socket Mode connections were opened so far. */
  connectionsOpened = 0;

  /**
   * Sends a Socket Mode envelope and resolves with the bot's ack. Slack picks one of the
   * app's open connections for each envelope (retries may land on another): `connection`
   * chooses which, in the order they were opened.
   */
  sendEnvelope(env: Envelope, envelopeId: string = randomUUID(), opts: { connection?: number } = {}): Promise<{ envelope_id: string; payload?: unknown }> {
    const ws = [...this.sockets][opts.connection ?? 0];
    if (!ws) return Promise.reject(new Error(`no Socket Mode connection #${opts.connection ?? 0}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelopeId);
        reject(new Error(`no ack for envelope ${envelopeId}`));
      }, 5000);
      this.pendingAcks.set(envelopeId, (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type: env.type,
          payload: env.payload,
          accepts_response_payload: env.type !== 'events_api',
          ...(env.type === 'events_api' ? { retry_attempt: env.retryAttempt ?? 0, retry_reason: env.retryReason ?? '' } : {}),
        }),
      );
    });
  }

  /** Waits until `check` returns a truthy value (bounded; fails with `what`). */
  async waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    for (const s of this.tcp) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onSocket(ws: WebSocket): void {
    this.connectionsOpened += 1;
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      let msg: { envelope_id?: string; payload?: unknown };
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (!msg.envelope_id) return;
      const ack = { envelope_id: msg.envelope_id, payload: msg.payload };
      this.socketAcks.push(ack);
      this.pendingAcks.get(msg.envelope_id)?.(ack);
      this.pendingAcks.delete(msg.envelope_id);
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: this.sockets.size, debug_info: { host: 'fake-slack' }, connection_info: { app_id: 'A0001' } }));
  }

  private dmChannelFor(user: string): string {
    let id = this.dmChannels.get(user);
    if (!id) {
      id = `D${user.slice(1)}`;
      this.dmChannels.set(user, id);
    }
    return id;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req);
    if (req.method === 'POST' && url.pathname.startsWith('/respond/')) {
      const id = url.pathname.slice('/respond/'.length);
      this.responses.push({ id, body: raw ? JSON.parse(raw) : {} });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
      const method = url.pathname.slice('/api/'.length);
      const type = req.headers['content-type'] ?? '';
      const args = type.includes('application/json') ? (raw ? JSON.parse(raw) : {}) : decodeForm(raw);
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : undefined;
      this.api(method, args, token, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  private api(method: string, args: Record<string, unknown>, token: string | undefined, res: ServerResponse): void {
    const call: ApiCall = { method, args, token, status: 200 };
    this.calls.push(call);
    const send = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      call.status = status;
      if (body.ok === false) call.error = String(body.error);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (error: string, extra: Record<string, unknown> = {}) => send(200, { ok: false, error, ...extra });

    const queued = this.failures.get(method);
    const failure = queued?.shift();
    let failAfterPosting: number | undefined;
    if (failure && 'afterPosting' in failure && failure.afterPosting) failAfterPosting = failure.status;
    else if (failure) {
      if ('error' in failure) return fail(failure.error);
      if (failure.status === 429) return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter) });
      return send(failure.status, { ok: false, error: 'fatal_error' });
    }

    const wantsApp = method === 'apps.connections.open';
    const expected = wantsApp ? this.opts.appToken : this.opts.botToken;
    if (!token) return fail('not_authed');
    if (token !== expected) return fail('invalid_auth');

    const channel = typeof args.channel === 'string' ? args.channel : undefined;
    if (channel && this.channelErrors.has(channel)) return fail(this.channelErrors.get(channel) as string);

    switch (method) {
      case 'auth.test':
        return send(200, { ok: true, url: 'https://fake.slack.test/', team: 'Fake', user: 'briefbot', team_id: this.teamId, user_id: this.botUserId, bot_id: this.botId });
      case 'apps.connections.open':
        return send(200, { ok: true, url: `${this.url.replace('http', 'ws')}/link/?ticket=${randomUUID()}` });
      case 'chat.postMessage':
      case 'chat.postEphemeral': {
        if (!channel) return fail('channel_not_found');
        if (method === 'chat.postEphemeral' && typeof args.user !== 'string') return fail('user_not_in_channel');
        if (!args.text && !args.blocks) return fail('no_text');
        const problems = blockProblems(args.blocks);
        if (problems.length) return fail('invalid_blocks', { response_metadata: { messages: problems } });
        this.lastTsMicros = Math.max(this.lastTsMicros + 1, Date.now() * 1000);
        const ts = `${Math.floor(this.lastTsMicros / 1e6)}.${String(this.lastTsMicros % 1e6).padStart(6, '0')}`;
        if (method === 'chat.postEphemeral') return send(200, { ok: true, message_ts: ts });
        const metadata = typeof args.metadata === 'string' ? JSON.parse(args.metadata) : args.metadata;
        if (metadata !== undefined && (typeof metadata?.event_type !== 'string' || typeof metadata?.event_payload !== 'object')) return fail('invalid_metadata_format');
        // A message to a user id goes to the DM with them.
        const where = /^[UW]/.test(channel) ? this.dmChannelFor(channel) : channel;
        const stored: StoredMessage = { ts, text: args.text, blocks: args.blocks, bot_id: this.botId, user: this.botUserId, ...(metadata ? { metadata } : {}) };
        this.history.set(where, [...(this.history.get(where) ?? []), stored]);
        this.onAccepted?.(where, stored);
        if (failAfterPosting !== undefined) return send(failAfterPosting, { ok: false, error: 'fatal_error' });
        return send(200, { ok: true, channel: where, ts, message: { text: args.text, ts, bot_id: this.botId, ...(metadata ? { metadata } : {}) } });
      }
      case 'conversations.open': {
        const users = String(args.users ?? '');
        if (!/^[UW][A-Z0-9]+$/.test(users)) return fail('user_not_found');
        return send(200, { ok: true, channel: { id: this.dmChannelFor(users) } });
      }
      case 'conversations.history': {
        if (!channel) return fail('channel_not_found');
        const oldest = Number(args.oldest ?? 0);
        const withMetadata = String(args.include_all_metadata) === 'true';
        // Newest first, as Slack returns them; the cursor is an offset.
        const all = (this.history.get(channel) ?? []).filter((m) => Number(m.ts) > oldest).reverse();
        const limit = Math.min(Number(args.limit ?? 100), 999);
        const start = Number(args.cursor ?? 0);
        const page = all.slice(start, start + limit).map((m) => {
          const { metadata, ...rest } = m;
          return { type: 'message', ...rest, ...(withMetadata && metadata ? { metadata } : {}) };
        });
        const more = start + limit < all.length;
        return send(200, { ok: true, messages: page, has_more: more, response_metadata: { next_cursor: more ? String(start + limit) : '' } });
      }
      case 'views.publish': {
        const view = args.view as { type?: string; blocks?: unknown } | undefined;
        if (typeof args.user_id !== 'string' || !/^[UW][A-Z0-9]+$/.test(args.user_id)) return fail('user_not_found');
        if (!view || view.type !== 'home') return fail('invalid_arguments');
        const problems = blockProblems(view.blocks, LIMITS.viewBlocks);
        if (problems.length) return fail('invalid_blocks', { response_metadata: { messages: problems } });
        return send(200, { ok: true, view: { id: `V${args.user_id}`, type: 'home', ...view } });
      }
      case 'conversations.members': {
        if (!channel) return fail('channel_not_found');
        const all = this.members.get(channel);
        if (!all) return fail('channel_not_found');
        const size = Math.min(Number(args.limit ?? 100), this.opts.memberPageSize ?? 1000);
        const start = Number(args.cursor ?? 0);
        const next = start + size < all.length ? String(start + size) : '';
        return send(200, { ok: true, members: all.slice(start, start + size), response_metadata: { next_cursor: next } });
      }
      default:
        return fail('unknown_method');
    }
  }
}

export async function startFakeSlack(opts: FakeSlackOptions): Promise<FakeSlack> {
  return new FakeSlack(opts).start();
}
