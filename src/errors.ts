/**
 * Errors that the bot expects and explains (bad input, platform refusals) carry a
 * stable code and whether trying again can help. Anything else is a bug and is
 * logged with its stack.
 */
export class BriefbotError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'BriefbotError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * A failed post to a platform. `permanent` means the target itself is gone or
 * closed to the bot (channel deleted, archived, no access): retrying cannot help
 * and the subscription should be disabled. `retryAfterMs` comes from the platform.
 * `notPosted` means the platform answered with a refusal, so nothing was created; without
 * it (a timeout, a dropped connection) the post may have gone through. `rateLimited`: the
 * platform asked us to slow down (429) and to come back after `retryAfterMs`; nothing failed,
 * so the scheduler waits without using up an attempt.
 */
export class DeliveryError extends BriefbotError {
  readonly permanent: boolean;
  readonly retryAfterMs?: number;
  readonly notPosted: boolean;
  readonly rateLimited: boolean;
  constructor(
    code: string,
    message: string,
    options: { retryable?: boolean; permanent?: boolean; retryAfterMs?: number; notPosted?: boolean; rateLimited?: boolean; cause?: unknown } = {},
  ) {
    super(code, message, { retryable: options.retryable, cause: options.cause });
    this.name = 'DeliveryError';
    this.permanent = options.permanent ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.notPosted = options.notPosted ?? false;
    this.rateLimited = options.rateLimited ?? false;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
