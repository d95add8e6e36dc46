import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import cron from 'node-cron';
import { CronExpressionParser } from 'cron-parser';
import type { BriefDefinition } from './definition.js';

export interface DefinitionError {
  file: string;
  /** The YAML field at fault (dotted path, e.g. 'targets.1'), when one is. */
  field?: string;
  message: string;
}

const DAY = 24 * 3600_000;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3600_000, d: DAY, w: 7 * DAY };

/** "24h", "last 24h", "90m", "2d", "1w" → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(?:last\s+)?(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2].toLowerCase()[0];
  return n > 0 ? n * UNIT_MS[unit] : undefined;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Checks a cron expression with both libraries the scheduler uses; returns the problem or undefined. */
export function cronProblem(expr: string): string | undefined {
  const detailed = cron.validateDetailed(expr);
  if (!detailed.valid) {
    const e = detailed.errors[0];
    return e ? `${e.field ? `${e.field}: ` : ''}${e.message}` : 'not a valid cron expression';
  }
  try {
    CronExpressionParser.parse(expr, { tz: 'UTC', strict: false });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return undefined;
}

// Slack ids are upper-case (C…, G…, U…): "slack:general" is a name, which chat.postMessage would reject at every run.
const TARGET = /^(console|slack:[A-Z0-9]+|discord:(user:)?\d+)$/;
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const schema = z.strictObject({
  name: z.string().regex(NAME, 'use lower-case letters, digits, "-" or "_" (at most 64), starting with a letter or digit'),
  title: z.string().min(1).max(150).optional(),
  schedule: z.string().superRefine((v, ctx) => {
    const problem = cronProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a valid cron expression ("${v}"): ${problem}` });
  }),
  timezone: z.string().refine(isValidTimeZone, { message: 'not an IANA time zone (e.g. "Europe/London", "America/New_York", "UTC")' }),
  window: z.string().default('24h'),
  window_fallback: z.string().optional(),
  topics: z.array(z.string().min(1)).default([]),
  sources: z.array(z.string().min(1)).default([]),
  max_stories: z.number().int().min(1).max(50).default(8),
  targets: z
    .array(z.string().regex(TARGET, 'a target is "console", "slack:<channel id>" (the upper-case id, e.g. slack:C0123ABCD, not the channel name) or "discord:<channel id>"'))
    .default([]),
  when_empty: z.enum(['skip', 'notice']).default('skip'),
});

type Raw = z.infer<typeof schema>;

function toWindow(raw: Raw): { window?: BriefDefinition['window']; error?: DefinitionError & { field: string } } {
  const w = raw.window.trim().toLowerCase();
  if (w === 'since previous run' || w === 'since last run') {
    const fallback = raw.window_fallback === undefined ? DAY : parseDuration(raw.window_fallback);
    if (fallback === undefined) {
      return { error: { file: '', field: 'window_fallback', message: `"${raw.window_fallback}" is not a duration (e.g. "24h", "2d")` } };
    }
    return { window: { kind: 'since-previous-run', fallbackMs: fallback } };
  }
  const ms = parseDuration(w);
  if (ms === undefined) {
    return { error: { file: '', field: 'window', message: `"${raw.window}" is not a window: use a duration like "24h" / "last 12h" / "2d", or "since previous run"` } };
  }
  return { window: { kind: 'duration', ms } };
}

/** Parses and validates one definition file's text. */
export function parseBriefDefinition(file: string, text: string): { brief?: BriefDefinition; errors: DefinitionError[] } {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    return { errors: [{ file, message: `not valid YAML: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { errors: [{ file, message: 'expected a mapping of fields (name, schedule, timezone, ...)' }] };
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue): DefinitionError => {
      // Unknown keys are reported on the object; name the key itself so typos are obvious.
      if (issue.code === 'unrecognized_keys') {
        return { file, field: issue.keys.join(', '), message: `unknown field (known: ${Object.keys(schema.shape).join(', ')})` };
      }
      const field = issue.path.map(String).join('.');
      const missing = issue.code === 'invalid_type' && (data as Record<string, unknown>)[String(issue.path[0])] === undefined;
      return { file, field: field || undefined, message: missing ? 'required field is missing' : issue.message };
    });
    return { errors };
  }
  const raw = parsed.data;
  const { window, error } = toWindow(raw);
  if (error) return { errors: [{ ...error, file }] };
  return {
    brief: {
      name: raw.name,
      title: raw.title,
      schedule: raw.schedule,
      timezone: raw.timezone,
      window: window!,
      topics: raw.topics,
      sources: raw.sources,
      maxStories: raw.max_stories,
      targets: [...new Set(raw.targets)],
      whenEmpty: raw.when_empty,
      file,
    },
    errors: [],
  };
}

/**
 * Loads every .yaml/.yml file of `dir`. A bad file is reported (file and field) and
 * left out; it never stops the others. Duplicate names keep the first file (by name order).
 */
export function loadBriefDefinitions(dir: string): { briefs: BriefDefinition[]; errors: DefinitionError[] } {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n)).sort();
  } catch (err) {
    return { briefs: [], errors: [{ file: dir, message: `cannot read the briefs folder: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  const briefs: BriefDefinition[] = [];
  const errors: DefinitionError[] = [];
  const byName = new Map<string, string>();
  for (const name of names) {
    const file = join(dir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      errors.push({ file, message: `cannot read: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    const result = parseBriefDefinition(file, text);
    errors.push(...result.errors);
    if (!result.brief) continue;
    const other = byName.get(result.brief.name);
    if (other) {
      errors.push({ file, field: 'name', message: `"${result.brief.name}" is already defined in ${other}` });
      continue;
    }
    byName.set(result.brief.name, file);
    briefs.push(result.brief);
  }
  return { briefs, errors };
}

export function formatDefinitionErrors(errors: DefinitionError[]): string[] {
  return errors.map((e) => `${e.file}${e.field ? `: ${e.field}` : ''}: ${e.message}`);
}

/** The next `count` run times of a brief, in its zone. */
export function nextRunTimes(brief: Pick<BriefDefinition, 'schedule' | 'timezone'>, from: Date, count = 1): Date[] {
  const it = CronExpressionParser.parse(brief.schedule, { tz: brief.timezone, currentDate: from });
  return it.take(count).map((d) => d.toDate());
}

/** For `briefbot briefs check`: every definition, its next run, and every error. ok is false when any file is bad. */
export function checkBriefs(dir: string, now: Date = new Date()): { ok: boolean; lines: string[] } {
  const { briefs, errors } = loadBriefDefinitions(dir);
  const lines = briefs.map((b) => {
    const next = nextRunTimes(b, now)[0];
    const targets = b.targets.length ? b.targets.join(', ') : 'subscribers only';
    return `ok  ${b.name} (${b.file}): "${b.schedule}" in ${b.timezone}, next ${formatInZone(next, b.timezone)} → ${targets}`;
  });
  lines.push(...formatDefinitionErrors(errors).map((l) => `bad ${l}`));
  if (!briefs.length && !errors.length) lines.push(`no brief definitions (*.yaml) in ${dir}`);
  return { ok: errors.length === 0, lines };
}

/** "Mon 30 Mar 2026 08:00 BST" — how run times are shown to users (built from parts so ICU punctuation can't vary). */
export function formatInZone(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(date);
  const p = (type: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('weekday')} ${p('day')} ${p('month')} ${p('year')} ${p('hour')}:${p('minute')} ${p('timeZoneName')}`;
}
