/** The core's public surface: everything an adapter may import. */
export type { Adapter, CommandEvent, Core, DeliveryRef, PostResult, Reply, ShareOffer, Shares } from './adapter.js';
export type { Block, Link, Message } from './messages/message.js';
export type { HomeBrief, HomeDestination, HomeView } from './commands/home.js';
export { message, fallbackText } from './messages/message.js';
export { splitMessage, truncate, type MessageLimits } from './messages/split.js';
export { BriefbotError, DeliveryError, errorMessage } from './errors.js';
export type { Logger } from './logger.js';
export { renderText } from './messages/render-text.js';
