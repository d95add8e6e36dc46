import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScheduler } from '../src/schedule/scheduler.js';
import { message } from '../src/messages/message.js';
import { capturingLogger, recordingAdapter, tempStores } from './schedule-support.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBriefs, formatDefinitionErrors, loadBriefDefinitions, parseDuration } from '../src/briefing/load-definitions.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function folder(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'briefbot-briefs-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const good = `name: tech
schedule: "30 7 * * *"
timezone: America/New_York
window: since previous run
window_fallback: 48h
topics: [AI, chips]
targets: [slack:C0123ABCD, discord:123456789012345678, console, console]
when_empty: notice
`;

describe('brief definitions', () => {
  it('loads the shipped briefs/morning.yaml', () => {
    const { briefs, errors } = loadBriefDefinitions('briefs');
    expect(errors).toEqual([]);
    expect(briefs).toEqual([
      {
        name: 'morning',
        title: 'Morning brief',
        schedule: '0 8 * * 1-5',
        timezone: 'Europe/London',
        window: { kind: 'duration', ms: 24 * 3600_000 },
        topics: [],
        sources: [],
        maxStories: 8,
        targets: ['console'],
        whenEmpty: 'skip',
        file: join('briefs', 'morning.yaml'),
      },
    ]);
  });

  it('parses every field and applies defaults', () => {
    const d = folder({ 'tech.yaml': good });
    const { briefs, errors } = loadBriefDefinitions(d);
    expect(errors).toEqual([]);
    expect(briefs[0]).toEqual({
      name: 'tech',
      title: undefined,
      schedule: '30 7 * * *',
      timezone: 'America/New_York',
      window: { kind: 'since-previous-run', fallbackMs: 48 * 3600_000 },
      topics: ['AI', 'chips'],
      sources: [],
      maxStories: 8,
      targets: ['slack:C0123ABCD', 'discord:123456789012345678', 'console'],
      whenEmpty: 'notice',
      file: join(d, 'tech.yaml'),
    });
  });

  it('reports each bad file with its field, and still loads the good ones', () => {
    const d = folder({
      'a-good.yaml': good,
      'bad-cron.yaml': 'name: x\nschedule: "0 25 * * *"\ntimezone: UTC\n',
      'bad-zone.yml': 'name: y\nschedule: "0 8 * * *"\ntimezone: Europe/Londn\n',
      'bad-target.yaml': 'name: z\nschedule: "0 8 * * *"\ntimezone: UTC\ntargets: [console, "#general", "slack:general"]\n',
      'typo.yaml': 'name: w\nschedule: "0 8 * * *"\ntimezone: UTC\nmax_storys: 3\n',
      'missing.yaml': 'name: v\ntimezone: UTC\n',
      'window.yaml': 'name: u\nschedule: "0 8 * * *"\ntimezone: UTC\nwindow: yesterday\n',
      'dup.yaml': good,
      'broken.yaml': 'name: [unclosed\n',
      'notes.txt': 'ignored',
    });
    const { briefs, errors } = loadBriefDefinitions(d);
    expect(briefs.map((b) => b.name)).toEqual(['tech']);
    const lines = formatDefinitionErrors(errors).map((l) => l.slice(d.length + 1));
    expect(lines.filter((l) => !l.startsWith('broken.yaml'))).toEqual([
      'bad-cron.yaml: schedule: not a valid cron expression ("0 25 * * *"): hour: 25 is a invalid expression for hour',
      'bad-target.yaml: targets.1: a target is "console", "slack:<channel id>" (the upper-case id, e.g. slack:C0123ABCD, not the channel name) or "discord:<channel id>"',
      'bad-target.yaml: targets.2: a target is "console", "slack:<channel id>" (the upper-case id, e.g. slack:C0123ABCD, not the channel name) or "discord:<channel id>"',
      'bad-zone.yml: timezone: not an IANA time zone (e.g. "Europe/London", "America/New_York", "UTC")',
      'dup.yaml: name: "tech" is already defined in ' + join(d, 'a-good.yaml'),
      'missing.yaml: schedule: required field is missing',
      'typo.yaml: max_storys: unknown field (known: name, title, schedule, timezone, window, window_fallback, topics, sources, max_stories, targets, when_empty)',
      'window.yaml: window: "yesterday" is not a window: use a duration like "24h" / "last 12h" / "2d", or "since previous run"',
    ]);
    expect(lines.find((l) => l.startsWith('broken.yaml'))).toMatch(/^broken\.yaml: not valid YAML: /);
  });

  it('checkBriefs lists next runs in the zone and fails on a bad file', () => {
    const d = folder({ 'a.yaml': good, 'b.yaml': 'name: b\nschedule: nope\ntimezone: UTC\n' });
    const r = checkBriefs(d, new Date('2026-03-27T12:00:00Z'));
    expect(r.ok).toBe(false);
    expect(r.lines[0]).toBe(
      `ok  tech (${join(d, 'a.yaml')}): "30 7 * * *" in America/New_York, next Sat 28 Mar 2026 07:30 GMT-4 → slack:C0123ABCD, discord:123456789012345678, console`,
    );
    expect(r.lines[1]).toMatch(/^bad .*b\.yaml: schedule: not a valid cron expression \("nope"\)/);
    expect(checkBriefs('briefs', new Date('2026-03-27T12:00:00Z'))).toEqual({
      ok: true,
      lines: ['ok  morning (briefs/morning.yaml): "0 8 * * 1-5" in Europe/London, next Mon 30 Mar 2026 08:00 BST → console'],
    });
  });

  it('parses durations', () => {
    expect([parseDuration('24h'), parseDuration('last 12 hours'), parseDuration('90m'), parseDuration('2d'), parseDuration('0h'), parseDuration('soon')]).toEqual([
      86_400_000, 43_200_000, 5_400_000, 172_800_000, undefined, undefined,
    ]);
  });

  it('with a bad file beside it, the good brief is still scheduled and delivered', async () => {
    const d = folder({
      'good.yaml': 'name: good\nschedule: "0 8 * * *"\ntimezone: Europe/Paris\ntargets: [console]\n',
      'bad.yaml': 'name: bad\nschedule: "0 8 * * *"\ntimezone: Mars/Olympus\ntargets: [console]\n',
    });
    const { briefs, errors } = loadBriefDefinitions(d);
    expect(formatDefinitionErrors(errors)).toEqual([`${join(d, 'bad.yaml')}: timezone: not an IANA time zone (e.g. "Europe/London", "America/New_York", "UTC")`]);
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-06-01T05:00:00Z'));
    const stores = tempStores();
    const con = recordingAdapter();
    const s = createScheduler({
      store: stores.open(),
      briefs,
      adapters: new Map([['console', con.adapter]]),
      buildBrief: (_store, o) => message([{ type: 'paragraph', text: 'news' }], o.title),
      log: capturingLogger(),
    });
    try {
      await s.start();
      await vi.advanceTimersByTimeAsync(2 * 3600_000);
      expect(con.posted.map((p) => [p.at, p.message.text])).toEqual([['2026-06-01T06:00:00.000Z', 'Good\nnews']]);
    } finally {
      await s.stop();
      vi.useRealTimers();
      stores.cleanup();
    }
  });
});
