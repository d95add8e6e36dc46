import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  type ChatInputCommandInteraction,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord.js';

/**
 * The slash commands, registered with one bulk overwrite at start-up: PUT replaces
 * the whole set, so registering twice changes nothing and removed commands vanish.
 */
export function slashCommands(): RESTPutAPIApplicationCommandsJSONBody {
  const contexts = [InteractionContextType.Guild, InteractionContextType.BotDM];
  const briefOption = (description: string) => ({
    type: ApplicationCommandOptionType.String as const,
    name: 'brief',
    description,
    required: true,
    autocomplete: true,
    max_length: 100,
  });
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: 'brief',
      description: 'Show a news brief now',
      contexts,
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'topic',
          description: 'A topic (optional), e.g. a word from the latest headlines',
          required: false,
          autocomplete: true,
          max_length: 200,
        },
      ],
    },
    {
      type: ApplicationCommandType.ChatInput,
      name: 'ask',
      description: 'Ask a question; the answer quotes the sentence that states it, with its source',
      contexts,
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'question',
          description: 'Your question, e.g. "What was the bilateral trade figure?"',
          required: true,
          max_length: 500,
        },
      ],
    },
    {
      type: ApplicationCommandType.ChatInput,
      name: 'briefbot',
      description: 'Subscriptions, sources and help',
      contexts,
      options: [
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: 'subscribe',
          description: 'Post a brief in this channel (or this DM) on its schedule',
          options: [briefOption('The brief to subscribe to')],
        },
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: 'unsubscribe',
          description: 'Stop posting a brief here',
          options: [briefOption('The brief to stop')],
        },
        { type: ApplicationCommandOptionType.Subcommand, name: 'list', description: 'List the briefs and what this channel is subscribed to' },
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: 'sources',
          description: 'List the sources briefs are built from, or add a feed (admins)',
          options: [{ type: ApplicationCommandOptionType.String, name: 'add', description: 'A feed URL to add (admins only)', required: false, max_length: 2000 }],
        },
        { type: ApplicationCommandOptionType.Subcommand, name: 'help', description: 'How to use briefbot' },
      ],
    },
  ];
}

export interface ParsedCommand {
  command: 'brief' | 'ask' | 'briefbot';
  text: string;
  /** For /briefbot: the subcommand. */
  subcommand?: string;
}

/** Translates a slash command into the core's command and text; undefined for commands that are not ours. */
export function parseCommand(interaction: ChatInputCommandInteraction): ParsedCommand | undefined {
  switch (interaction.commandName) {
    case 'brief':
      return { command: 'brief', text: (interaction.options.getString('topic') ?? '').trim() };
    case 'ask':
      return { command: 'ask', text: (interaction.options.getString('question') ?? '').trim() };
    case 'briefbot': {
      const sub = interaction.options.getSubcommand(false) ?? 'help';
      // "/briefbot sources add:<url>" is the chat's "/briefbot sources add <url>".
      const feed = sub === 'sources' ? (interaction.options.getString('add') ?? '').trim() : '';
      if (feed) return { command: 'briefbot', subcommand: sub, text: `sources add ${feed}` };
      const brief = interaction.options.getString('brief') ?? '';
      return { command: 'briefbot', subcommand: sub, text: `${sub} ${brief.trim()}`.trim() };
    }
    default:
      return undefined;
  }
}

/** Brief names matching what the user has typed so far, as autocomplete choices (Discord takes at most 25). */
export function briefChoices(names: string[], typed: string): { name: string; value: string }[] {
  const q = typed.trim().toLowerCase();
  const starts = names.filter((n) => n.toLowerCase().startsWith(q));
  const contains = names.filter((n) => !n.toLowerCase().startsWith(q) && n.toLowerCase().includes(q));
  return [...starts, ...contains]
    .filter((n) => n.length >= 1 && n.length <= 100)
    .slice(0, 25)
    .map((n) => ({ name: n, value: n }));
}
