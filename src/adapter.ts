import type { Message } from './messages/message.js';
import type { Logger } from './logger.js';
import type { HomeView } from './commands/home.js';

/**
 * What an adapter hands the core for every slash command, direct message or mention.
 * Adapters translate platform payloads into this and nothing more.
 */
export interface CommandEvent {
  platform: string; // 'slack' | 'discord' | 'console'
  /** 'brief' and 'ask' are the slash commands; 'briefbot' is the admin command; 'message' is a DM or a mention (free text). */
  command: 'brief' | 'ask' | 'briefbot' | 'message';
  /** The command's argument text, or the whole message (mentions of the bot removed). */
  text: string;
  user: string;
  channel: string;
  isDirect: boolean;
  /** The target string of the conversation this came from, e.g. 'slack:C0123', 'discord:123', 'console'. */
  target: string;
  /** The target string of the user's own DM with the bot, for personal subscriptions, e.g. 'slack:U0123', 'discord:user:123'. */
  userTarget: string;
  /** Whether the platform says this user may subscribe this channel (Slack: a member of it; Discord: Manage Channels). */
  canManageChannel?: boolean;
  /** When canManageChannel is false: why, in words for the user. */
  permissionHint?: string;
  /**
   * The conversation a question belongs to, so a follow-up is answered from the story
   * just discussed: platform, channel or DM and thread, e.g. 'slack:C0123:1700000000.000100',
   * 'discord:123:user:456', 'console:<session>'. Absent where answers stand alone (a slash command in a channel).
   */
  conversation?: string;
}

export interface Reply {
  message: Message;
  /** Shown to the asker only where the platform can (Slack ephemeral, Discord ephemeral flag). */
  ephemeral?: boolean;
}

/** An answer offered for sharing: what to post, to which channel, and the command that gave it (for the byline). */
export interface ShareOffer {
  message: Message;
  /** The platform's channel id, e.g. Slack's C0123. */
  channel: string;
  command: string;
}

/**
 * Answers waiting for a "Share to channel" click, kept in the store for 24 hours: any process
 * sharing the store can handle the click, and a restart forgets none of them.
 */
export interface Shares {
  /** Keeps the offer; returns its key (for the button). */
  offer(share: ShareOffer): Promise<string>;
  /** The offer, unless unknown or expired; `shared` once someone has shared it. */
  get(key: string): Promise<(ShareOffer & { shared: boolean }) | undefined>;
  /** The right to post it: true for exactly one caller, across processes. */
  claim(key: string): Promise<boolean>;
  /** Gives that right back after a failed post, so it can be shared again. */
  release(key: string): Promise<void>;
}

/** What adapters may call. The core never imports an adapter; adapters import only these public types. */
export interface Core {
  handle(event: CommandEvent): Promise<Reply>;
  /** Names of the brief definitions (for autocomplete and help). */
  briefNames(): string[];
  /**
   * True for the first caller of `key` within `ttlMs`, across every process sharing the store;
   * false for repeats. Adapters use it to answer a platform's redeliveries once.
   */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  /** Answers offered for sharing; absent where nothing is kept (no Share button then). */
  shares?: Shares;
  /** What a home screen shows this person (Slack's Home tab); `channel` is a target they picked to change. */
  home?(request: { platform: string; userTarget: string; channel?: string }): Promise<HomeView>;
  /** Topics to offer while someone types one: the briefs' topics, then frequent headline words. */
  suggestTopics?(typed: string, limit: number): Promise<string[]>;
  log: Logger;
}

export interface PostResult {
  /** Platform ids of the messages sent (one per part when the message was split). */
  ids: string[];
}

/**
 * Names a scheduled delivery to the platform, so a post can be recognised after a crash:
 * Slack attaches it as message metadata, Discord derives each part's nonce from it.
 */
export interface DeliveryRef {
  /** Stable across processes and restarts: one (brief, slot, target). */
  key: string;
  /** First part to post; the earlier ones are known to be on the platform. */
  fromPart: number;
  /** Called as each part is accepted by the platform, in order. */
  onPosted?(part: number, id: string): void;
}

export interface Adapter {
  readonly platform: string;
  start(core: Core): Promise<void>;
  /**
   * Sends a message to a target of this platform. Throws DeliveryError (src/errors.ts):
   * retryable for 429/5xx/timeouts (after the adapter's own short waits), permanent when
   * the channel is gone or closed to the bot.
   */
  post(target: string, message: Message, delivery?: DeliveryRef): Promise<PostResult>;
  /**
   * Optional: the parts of a delivery already on the platform (part → message id), looked up
   * by its key among messages posted since `since`. Used before retrying a delivery whose
   * earlier attempt may have posted (a crash between the post and the ledger write).
   * Platforms that deduplicate repeats themselves (Discord's nonce) need not implement it.
   */
  findPosted?(target: string, key: string, since: Date): Promise<Map<number, string>>;
  stop(): Promise<void>;
  /** True while connected (health checks). */
  isConnected?(): boolean;
}
