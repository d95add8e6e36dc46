/**
 * `briefbot preview`: the next run of a brief, drawn with the adapters' own renderers.
 * It lives outside src/ because it imports adapters; bin/briefbot.js hands it to the CLI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderMessage as renderDiscord } from '../../adapters/discord/render.js';
import { renderMessage as renderSlack } from '../../adapters/slack/render.js';
import { describeWindow } from '../../src/briefing/build.js';
import type { PreviewInput } from '../../src/cli.js';
import { discordHtml } from './discord-html.js';
import { escapeHtml } from './html.js';
import { page } from './page.js';
import { slackHtml } from './slack-html.js';

export function previewHtml(input: PreviewInput): { html: string; summary: string[] } {
  const { brief, options, message } = input;
  const facts: [string, string][] = [
    ['next run', escapeHtml(`${input.when} (${brief.schedule} in ${brief.timezone})`)],
    ['window', escapeHtml(`${options.since.toISOString()} to ${options.until.toISOString()} (${describeWindow(options)})`)],
    ['topics', escapeHtml(brief.topics.length ? brief.topics.join(', ') : 'every topic')],
    ['sources', escapeHtml(brief.sources.length ? brief.sources.join(', ') : 'every source')],
    ['at most', escapeHtml(`${brief.maxStories} stories`)],
    ['targets', escapeHtml(brief.targets.length ? brief.targets.join(', ') : 'none in the file (subscriptions only)')],
    ['definition', escapeHtml(brief.file)],
  ];
  const time = input.slot.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: brief.timezone });
  if (!message) {
    // The console text already says so: nothing is repeated.
    return { html: page({ title: `Preview: ${brief.title ?? brief.name}`, facts, slack: '', discord: '', consoleText: input.consoleText, nothing: input.consoleText }), summary: [] };
  }
  const slack = renderSlack(message);
  const discord = renderDiscord(message);
  const stories = message.blocks.filter((b) => b.type === 'story').length;
  const summary = [
    `${stories} ${stories === 1 ? 'story' : 'stories'} for the run due ${input.when}`,
    `Slack: ${slack.length} ${slack.length === 1 ? 'message' : 'messages'} (${slack.map((p) => `${p.blocks.length}/50 blocks`).join(', ')})`,
    `Discord: ${discord.length} ${discord.length === 1 ? 'message' : 'messages'} (${discord.map((p) => `${p.embeds.length}/10 embeds`).join(', ')})`,
  ];
  const html = page({
    title: `Preview: ${brief.title ?? brief.name}`,
    facts,
    slack: slackHtml(slack, time),
    discord: discordHtml(discord, time),
    consoleText: input.consoleText,
  });
  return { html, summary };
}

function openInBrowser(file: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [file]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', file]] : ['xdg-open', [file]];
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => process.stderr.write(`briefbot: could not open a browser (${cmd}); open ${file} yourself\n`));
  child.unref();
}

export async function renderPreview(input: PreviewInput, opts: { html?: string; open?: boolean }): Promise<string[]> {
  const { html, summary } = previewHtml(input);
  const lines = summary.length ? [input.consoleText, '', ...summary] : [input.consoleText];
  const file = opts.html ? resolve(opts.html) : opts.open ? join(mkdtempSync(join(tmpdir(), 'briefbot-preview-')), `${input.brief.name}.html`) : undefined;
  if (file) {
    writeFileSync(file, html);
    lines.push(`Preview page: ${file}`);
    if (opts.open) openInBrowser(file);
  } else {
    lines.push('Add --html <file> (or --open) for the page drawn as Slack and Discord show it.');
  }
  return lines;
}
