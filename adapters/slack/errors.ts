import { DeliveryError, errorMessage } from '../../src/index.js';

/** The target itself is gone or closed to the bot: retrying cannot help, the subscription should stop. */
const PERMANENT = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'account_inactive',
  'user_not_found',
  'user_disabled',
  'cannot_dm_bot',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'ekm_access_denied',
  'team_access_not_granted',
  'no_permission',
]);

/** Slack's side is unwell; the same call may work later. */
const RETRYABLE = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

const HINTS: Record<string, string> = {
  not_in_channel: 'the bot is not a member of this channel: invite it with /invite @briefbot',
  channel_not_found: 'the channel does not exist or the bot cannot see it (private channels need an invite)',
  is_archived: 'the channel is archived',
  account_inactive: 'the bot token belongs to a deactivated account or an uninstalled app',
  invalid_auth: 'SLACK_BOT_TOKEN was refused: reinstall the app and copy the new token',
  not_authed: 'no SLACK_BOT_TOKEN was sent',
  missing_scope: 'the app lacks a scope: reinstall it from adapters/slack/manifest.yaml',
  msg_too_long: 'the message was too long for Slack',
  invalid_blocks: 'Slack rejected the message layout',
};

interface SlackishError {
  code?: string;
  data?: { error?: string; response_metadata?: { messages?: string[] } };
  statusCode?: number;
  retryAfter?: number;
  original?: unknown;
}

/**
 * Turns whatever the WebClient threw into a DeliveryError that says whether the
 * scheduler should retry, give up on the target, or neither (a bug or bad token).
 */
export function toDeliveryError(err: unknown, target: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (err ?? {}) as SlackishError;
  switch (e.code) {
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown_error';
      const hint = HINTS[code];
      const detail = e.data?.response_metadata?.messages?.join('; ');
      const text = `Slack refused the post to ${target}: ${code}${hint ? ` (${hint})` : ''}${detail ? ` — ${detail}` : ''}`;
      return new DeliveryError(`slack_${code}`, text, { permanent: PERMANENT.has(code), retryable: RETRYABLE.has(code), notPosted: true, cause: err });
    }
    case 'slack_webapi_rate_limited_error':
      return new DeliveryError('slack_rate_limited', `Slack rate-limited the post to ${target}`, {
        retryable: true,
        retryAfterMs: (e.retryAfter ?? 1) * 1000,
        notPosted: true,
        rateLimited: true,
        cause: err,
      });
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      return new DeliveryError(`slack_http_${status}`, `Slack answered HTTP ${status} to the post to ${target}`, {
        retryable: status >= 500 || status === 408,
        // A 4xx was refused; behind a 5xx (a gateway timing out) the post may still have been made.
        notPosted: status < 500 && status !== 408,
        cause: err,
      });
    }
    case 'slack_webapi_request_error': {
      // When its own retries run out on 429s, the WebClient wraps "A rate limit was exceeded
      // (…, retry-after: N)" as a request error: it is a rate limit, and N is the wait.
      const limited = rateLimitWait(e.original);
      if (limited !== undefined) return rateLimited(target, limited, err);
      return new DeliveryError('slack_unreachable', `Could not reach Slack to post to ${target}: ${errorMessage(e.original ?? err)}`, {
        retryable: true,
        cause: err,
      });
    }
  }
  // Older WebClients gave up on repeated 429s with the plain Error itself.
  const limited = rateLimitWait(err);
  if (limited !== undefined) return rateLimited(target, limited, err);
  return new DeliveryError('slack_error', `Posting to ${target} failed: ${errorMessage(err)}`, { retryable: true, cause: err });
}

/** Seconds from the WebClient's "A rate limit was exceeded (url: …, retry-after: N)". */
function rateLimitWait(err: unknown): number | undefined {
  if (err === undefined || err === null) return undefined;
  const m = /rate limit was exceeded.*retry-after: (\d+)/i.exec(errorMessage(err));
  return m ? Number(m[1]) : undefined;
}

function rateLimited(target: string, seconds: number, cause: unknown): DeliveryError {
  return new DeliveryError('slack_rate_limited', `Slack kept rate-limiting posts to ${target} (retry after ${seconds} s)`, {
    retryable: true,
    retryAfterMs: seconds * 1000,
    // A 429 is a refusal: nothing was posted.
    notPosted: true,
    rateLimited: true,
    cause,
  });
}

/** The Slack error code inside a WebClient error, if it is a platform refusal. */
export function platformErrorCode(err: unknown): string | undefined {
  const e = (err ?? {}) as SlackishError;
  return e.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
}

export function slackHint(code: string): string | undefined {
  return HINTS[code];
}
