import { PermissionFlagsBits, PermissionsBitField, type PermissionResolvable } from 'discord.js';
import { adminUserId } from './config.js';

/** What the bot needs in a channel to post briefs there, in the words Discord's settings use. */
export const BOT_CHANNEL_NEEDS: { flag: bigint; name: string }[] = [
  { flag: PermissionFlagsBits.ViewChannel, name: 'View Channel' },
  { flag: PermissionFlagsBits.SendMessages, name: 'Send Messages' },
  { flag: PermissionFlagsBits.EmbedLinks, name: 'Embed Links' },
];

/** The names of the needed permissions the bot lacks (empty when it has them all, or when they are unknown). */
export function missingBotPermissions(perms: Readonly<PermissionsBitField> | null | undefined): string[] {
  if (!perms) return [];
  return BOT_CHANNEL_NEEDS.filter((n) => !perms.has(n.flag as PermissionResolvable)).map((n) => n.name);
}

export function describeMissing(missing: string[]): string {
  return `I can't post in this channel: I'm missing ${missing.join(', ')} here. Ask a server admin to grant briefbot ${
    missing.length === 1 ? 'that permission' : 'those permissions'
  } in this channel's settings (Permissions), then try again.`;
}

export interface ManageCheck {
  userId: string;
  /** The member's permissions in the channel (interactions carry them with overwrites applied). */
  permissions: Readonly<PermissionsBitField> | null | undefined;
  /** Names and ids of the member's roles, where known. */
  roles: { id: string; name: string }[];
  subscribeRole?: string;
  admins: string[];
}

/** Whether a member may subscribe a guild channel: Manage Channels there, the subscribe role, or an admin. */
export function canManageChannel(c: ManageCheck): { ok: true } | { ok: false; hint: string } {
  if (c.admins.some((a) => adminUserId(a) === c.userId)) return { ok: true };
  if (c.permissions?.has(PermissionFlagsBits.ManageChannels)) return { ok: true };
  const role = c.subscribeRole?.trim();
  if (role && c.roles.some((r) => r.id === role || r.name.toLowerCase() === role.toLowerCase())) return { ok: true };
  const hint = role
    ? `To subscribe this channel you need the Manage Channels permission in it, or the "${role}" role.`
    : 'To subscribe this channel you need the Manage Channels permission in it. You can still subscribe yourself: use /briefbot subscribe in a DM with me.';
  return { ok: false, hint };
}
