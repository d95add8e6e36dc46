import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { DeliveryError, errorMessage } from '../../src/index.js';

/** JSON error codes meaning the target is gone or closed to the bot: retrying cannot help. */
const PERMANENT_CODES: Record<number, string> = {
  10003: 'Unknown Channel: the channel was deleted or the id is wrong',
  10013: 'Unknown User',
  50001: 'Missing Access: the bot cannot see this channel',
  50007: 'Cannot send messages to this user (DMs closed or no shared server)',
  50013: 'Missing Permissions: the bot may not post here (needs View Channel, Send Messages, Embed Links)',
  50083: 'The thread is archived',
};

/** Turns whatever discord.js threw while posting into a DeliveryError the scheduler understands. */
export function toDeliveryError(err: unknown, target: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === 'number' ? err.code : Number(err.code);
    const reason = PERMANENT_CODES[code];
    if (reason) {
      return new DeliveryError(`discord_${code}`, `Posting to ${target} failed: ${reason}.`, { permanent: true, notPosted: true, cause: err });
    }
    const retryable = err.status >= 500 || err.status === 429;
    return new DeliveryError(`discord_${code || err.status}`, `Posting to ${target} failed: ${err.message} (HTTP ${err.status}).`, {
      retryable,
      notPosted: err.status < 500,
      cause: err,
    });
  }
  if (err instanceof RateLimitError) {
    return new DeliveryError('discord_rate_limited', `Posting to ${target} was rate limited.`, {
      retryable: true,
      retryAfterMs: err.retryAfter,
      notPosted: true,
      cause: err,
    });
  }
  if (err instanceof HTTPError) {
    return new DeliveryError(`discord_http_${err.status}`, `Posting to ${target} failed: HTTP ${err.status} ${err.message}.`, {
      retryable: err.status >= 500 || err.status === 429,
      cause: err,
    });
  }
  // Network failures and timeouts (AbortError) are worth another try later.
  return new DeliveryError('discord_network', `Posting to ${target} failed: ${errorMessage(err)}.`, { retryable: true, cause: err });
}

/** The JSON error code of a Discord API error, if it is one. */
export function discordCode(err: unknown): number | undefined {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : undefined;
}
