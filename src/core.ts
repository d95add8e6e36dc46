import type { CommandEvent, Core, Reply } from './adapter.js';
import type { BriefDefinition } from './briefing/definition.js';
import { handleAsk } from './commands/ask.js';
import { handleBrief } from './commands/brief.js';
import type { CommandDeps } from './commands/deps.js';
import { handleHelp } from './commands/help.js';
import { homeView } from './commands/home.js';
import { suggestTopics } from './commands/suggest.js';
import { errorMessage } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import { message } from './messages/message.js';
import { preloadCompounds } from './nlp/compounds.js';
import { createShares } from './shares.js';
import { isStoreUnavailable } from './store/errors.js';
import type { Store } from './store/store.js';

/** What every command answers while the store cannot be reached. */
export const STORE_UNAVAILABLE = 'The store is unavailable, try again shortly.';

export type CommandHandler = (event: CommandEvent, deps: CommandDeps) => Promise<Reply>;

export interface CoreOptions {
  store: Store;
  briefs?: () => BriefDefinition[];
  now?: () => Date;
  log?: Logger;
  admins?: string[];
  addSource?: CommandDeps['addSource'];
  /** Where questions are answered (a worker pool); default inline from `store`. */
  answer?: CommandDeps['answer'];
  /** `/briefbot …` (subscriptions, sources); absent where scheduling is not wired. */
  briefbot?: CommandHandler;
  /** Called after every answered question, for metrics. */
  onAnswer?: (info: { answered: boolean; ms: number }) => void;
}

/** Free text in a DM or mention: a few words are commands, everything else is a question. */
export function routeMessage(text: string): { command: 'brief' | 'ask' | 'briefbot' | 'help'; text: string } {
  const t = text.trim().replace(/^\//, '');
  let m: RegExpExecArray | null;
  // A bare mention ("@briefbot") or "help" gets the help text.
  if (t === '' || /^help\??$/i.test(t)) return { command: 'help', text: '' };
  if ((m = /^brief(?:\s+(.+))?$/i.exec(t))) return { command: 'brief', text: m[1] ?? '' };
  if (/^(?:subscribe|unsubscribe|list|sources)\b/i.test(t)) return { command: 'briefbot', text: t };
  if ((m = /^ask\s+(.+)$/i.exec(t))) return { command: 'ask', text: m[1] };
  return { command: 'ask', text: t };
}

export function createCore(options: CoreOptions): Core {
  // Right after start-up rather than inside the first answer.
  setImmediate(preloadCompounds);
  const log = options.log ?? silentLogger;
  const briefs = options.briefs ?? (() => []);
  const deps: CommandDeps = {
    store: options.store,
    briefs,
    now: options.now ?? (() => new Date()),
    log,
    admins: options.admins ?? [],
    addSource: options.addSource,
    answer: options.answer,
  };
  const briefbot: CommandHandler =
    options.briefbot ??
    (async () => ({ message: message([{ type: 'paragraph', text: 'Subscriptions and sources are not available in this setup.' }]), ephemeral: true }));

  async function dispatch(event: CommandEvent): Promise<Reply> {
    const routed = event.command === 'message' ? routeMessage(event.text) : { command: event.command, text: event.text };
    const e = { ...event, text: routed.text };
    switch (routed.command) {
      case 'brief':
        return handleBrief(e, deps);
      case 'ask': {
        const started = performance.now();
        const { answered, ...reply } = await handleAsk(e, deps);
        options.onAnswer?.({ answered, ms: performance.now() - started });
        return reply;
      }
      case 'help':
        return handleHelp(briefs().map((b) => b.name));
      case 'briefbot':
        if (/^help$|^$/i.test(e.text.trim())) return handleHelp(briefs().map((b) => b.name));
        return briefbot(e, deps);
    }
  }

  return {
    log,
    briefNames: () => briefs().map((b) => b.name),
    // The store's run locks are exactly this (first caller per key while the ttl lasts), shared by all processes.
    claimOnce: (key, ttlMs) => options.store.coordination.shouldRun(`once:${key}`, ttlMs),
    shares: createShares(options.store.shares, deps.now),
    home: (request) => homeView(deps, request),
    suggestTopics: (typed, limit) => suggestTopics(deps, typed, limit),
    async handle(event) {
      try {
        return await dispatch(event);
      } catch (err) {
        if (isStoreUnavailable(err)) {
          // An outage, not a bug: the operator sees it in the log and on /healthz; the user gets one plain line.
          log.warn({ err: errorMessage(err), platform: event.platform, command: event.command }, 'command not answered: the store is unavailable');
          return { message: message([{ type: 'paragraph', text: STORE_UNAVAILABLE }]), ephemeral: true };
        }
        log.error({ err, platform: event.platform, command: event.command, user: event.user }, 'command failed');
        return {
          message: message([
            { type: 'paragraph', text: `Something went wrong while handling that: ${errorMessage(err)}` },
            { type: 'context', text: 'Try again in a minute; if it keeps failing, tell whoever runs briefbot (the details are in its log).' },
          ]),
          ephemeral: true,
        };
      }
    },
  };
}
