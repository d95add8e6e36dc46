export { createSlackAdapter, type SlackAdapter } from './adapter.js';
export { validateSlackConfig, slackMode, type SlackAdapterConfig, type SlackMode } from './config.js';
export { renderMessage, SLACK_LIMITS, type SlackPayload, type SlackBlock } from './render.js';
