/**
 * Exactly once across a crash mid-post. A real bot process (tests/helpers/delivery-child.ts:
 * scheduler, real adapter, SQLite ledger) delivers a brief of several parts to two channels
 * of a fake platform; the moment the platform accepts a chosen part, the test SIGKILLs the
 * process, so the post exists and the ledger never heard of it. A second process takes the
 * delivery over: each channel must end up with every part exactly once, in order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMessage as renderDiscord } from '../adapters/discord/index.js';
import { renderMessage as renderSlack } from '../adapters/slack/render.js';
import { message, type Message } from '../src/index.js';
import { slotKey } from '../src/schedule/slots.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { ALL_TEXT_PERMISSIONS, FakeDiscord } from './fakes/discord/fake-discord.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack/fake-slack.js';

const CHILD = join(import.meta.dirname, 'helpers', 'delivery-child.ts');
const BRIEF = 'crash';

/** Sixty paragraphs: three Slack messages, seven Discord ones. */
const MSG: Message = message(
  Array.from({ length: 60 }, (_, i) => ({ type: 'paragraph' as const, text: `Story ${i + 1}: ${'the council approved the budget after a long debate. '.repeat(8)}` })),
  'Crash test',
);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-crash-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'briefbot.db');
}

/** Records the run the bot processes will resume (as a scheduler that built it would have). */
async function recordRun(db: string, targets: string[]): Promise<{ brief: string; slot: string; targets: string[] }> {
  const store = openSqliteStore(db);
  const slot = slotKey(new Date(Date.now() - 60_000));
  await store.deliveries.recordRun({ brief: BRIEF, slot, status: 'built', message: JSON.stringify(MSG), targets, late: false }, new Date());
  store.close();
  return { brief: BRIEF, slot, targets };
}

interface Bot {
  child: ChildProcess;
  /** Resolves with how the process ended: 'done' (it printed done), or the signal that killed it. */
  ended: Promise<string>;
}

function startBot(platform: 'slack' | 'discord', apiUrl: string, db: string, run: object): Bot {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, platform, apiUrl, db, JSON.stringify(run)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const ended = new Promise<string>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (signal) resolve(signal);
      else if (code === 0 && out.includes('"done":true')) resolve('done');
      else reject(new Error(`bot exited with ${code}: ${err.slice(-2000)}`));
    });
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, ended };
}

async function ledger(db: string, run: { slot: string }) {
  const store = openSqliteStore(db);
  try {
    return (await store.deliveries.forSlot(BRIEF, run.slot)).map((d) => [d.target, d.status, d.partsPosted, d.inDoubtSince ?? null]);
  } finally {
    store.close();
  }
}

// Two bot processes start one after the other (each loads the code through tsx): generous on a busy machine.
describe('exactly once across a crash mid-post', { timeout: 180_000 }, () => {
  it('Slack: killed right after Slack accepted part 2 of 3; the restarted bot finds it by metadata and posts only part 3', async () => {
    const parts = renderSlack(MSG).length;
    expect(parts).toBe(3);
    const fake: FakeSlack = await startFakeSlack({ botToken: 'xoxb-crash-test' });
    cleanups.push(() => fake.close());
    const db = tempDb();
    const run = await recordRun(db, ['slack:CCRASH1', 'slack:UCRASH2']);

    const first = startBot('slack', fake.apiUrl, db, run);
    fake.onAccepted = (channel, m) => {
      if (channel === 'CCRASH1' && m.metadata?.event_payload.part === 1) first.child.kill('SIGKILL');
    };
    expect(await first.ended).toBe('SIGKILL');
    fake.onAccepted = undefined;
    expect(fake.messagesIn('CCRASH1')).toHaveLength(2);

    const second = startBot('slack', fake.apiUrl, db, run);
    expect(await second.ended).toBe('done');

    for (const channel of ['CCRASH1', 'UCRASH2']) {
      const posted = fake.messagesIn(channel);
      expect(posted.map((m) => m.metadata?.event_payload)).toEqual(
        Array.from({ length: parts }, (_, part) => ({ key: `${BRIEF}|${run.slot}|slack:${channel}`, part })),
      );
      expect(posted.map((m) => m.blocks)).toEqual(renderSlack(MSG).map((p) => p.blocks));
    }
    // The second process looked before posting again: once per delivery it took over in doubt.
    expect(fake.callsTo('conversations.history').length).toBeGreaterThanOrEqual(1);
    expect(await ledger(db, run)).toEqual([
      ['slack:CCRASH1', 'delivered', parts, null],
      ['slack:UCRASH2', 'delivered', parts, null],
    ]);
  });

  it('Discord: killed right after Discord accepted part 2 of 7; the restarted bot repeats the nonces and gets the same messages back', async () => {
    const parts = renderDiscord(MSG).length;
    expect(parts).toBe(7);
    const channels = ['500000000000000001', '500000000000000002'];
    const fake = await FakeDiscord.start({
      token: 'crash-test-token',
      applicationId: '111111111111111111',
      bot: { id: '444444444444444444', username: 'briefbot', bot: true },
      guilds: [
        {
          id: '222222222222222222',
          name: 'Crash',
          ownerId: '777777777777777777',
          everyonePermissions: ALL_TEXT_PERMISSIONS,
          roles: [],
          channels: channels.map((id, i) => ({ id, name: `news-${i}` })),
          members: [],
          botRoles: [],
        },
      ],
    });
    cleanups.push(() => fake.close());
    const db = tempDb();
    const run = await recordRun(
      db,
      channels.map((c) => `discord:${c}`),
    );

    const first = startBot('discord', fake.apiUrl, db, run);
    fake.onAccepted = (channel) => {
      if (channel === channels[0] && fake.messagesIn(channel).length === 2) first.child.kill('SIGKILL');
    };
    expect(await first.ended).toBe('SIGKILL');
    fake.onAccepted = undefined;
    expect(fake.messagesIn(channels[0])).toHaveLength(2);

    const second = startBot('discord', fake.apiUrl, db, run);
    expect(await second.ended).toBe('done');

    for (const channel of channels) {
      const posted = fake.messagesIn(channel);
      expect(posted).toHaveLength(parts);
      expect(posted.map((m) => m.embeds)).toEqual(renderDiscord(MSG).map((p) => p.embeds));
      expect(new Set(posted.map((m) => m.nonce)).size).toBe(parts);
    }
    // The repeated part came back as the message Discord already had, not as a second one.
    const repeats = fake.requestsTo('POST', /^\/v10\/channels\/500000000000000001\/messages$/).filter((r) => r.body?.nonce === fake.messagesIn(channels[0])[1].nonce);
    expect(repeats.length).toBeGreaterThanOrEqual(1);
    expect(await ledger(db, run)).toEqual(channels.map((c) => [`discord:${c}`, 'delivered', parts, null]));
  });
});
