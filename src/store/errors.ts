import { BriefbotError } from '../errors.js';

/** The store cannot be reached (a PostgreSQL server down or refusing us): one line for the operator, no stack. */
export class StoreUnavailableError extends BriefbotError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('store_unavailable', message, { retryable: true, cause: options.cause });
    this.name = 'StoreUnavailableError';
  }
}
