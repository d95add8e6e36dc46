import { Routes, type REST, type RESTPutAPIApplicationCommandsJSONBody } from 'discord.js';

export type Registration = 'registered' | 'unchanged';

/**
 * Registers the slash commands with one bulk overwrite, unless Discord already has
 * exactly them. Only the process holding shard 0 calls this (one per deployment), and
 * comparing first means restarts and rolling deploys leave an unchanged set alone: no
 * churn of command versions, and nothing for two overlapping starts to race over.
 */
export async function registerCommands(
  rest: REST,
  where: { applicationId: string; guildId?: string },
  wanted: RESTPutAPIApplicationCommandsJSONBody,
): Promise<Registration> {
  const route = where.guildId ? Routes.applicationGuildCommands(where.applicationId, where.guildId) : Routes.applicationCommands(where.applicationId);
  const current = await rest.get(route).catch(() => undefined);
  if (Array.isArray(current) && sameCommands(wanted, current)) return 'unchanged';
  await rest.put(route, { body: wanted });
  return 'registered';
}

/**
 * Whether Discord's copy holds every field we send, with equal values. Discord adds
 * ids, versions and defaults of its own and leaves out false flags, so only our fields
 * count, and false matches absent.
 */
export function sameCommands(wanted: readonly unknown[], current: readonly unknown[]): boolean {
  return wanted.length === current.length && wanted.every((w, i) => covers(w, current[i]));
}

function covers(ours: unknown, theirs: unknown): boolean {
  if (Array.isArray(ours)) return Array.isArray(theirs) && ours.length === theirs.length && ours.every((o, i) => covers(o, theirs[i]));
  if (ours !== null && typeof ours === 'object') {
    if (theirs === null || typeof theirs !== 'object') return false;
    return Object.entries(ours).every(([k, v]) => covers(v, (theirs as Record<string, unknown>)[k]));
  }
  if (ours === false || ours === undefined) return theirs === false || theirs === undefined || theirs === null;
  return ours === theirs;
}
