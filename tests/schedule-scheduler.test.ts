import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import cron from 'node-cron';
import type { BriefOptions } from '../src/briefing/build.js';
import { createScheduler, type BuildBrief, type Scheduler } from '../src/schedule/scheduler.js';
import { formatDeliveries, listDeliveries } from '../src/schedule/deliveries.js';
import type { BriefDefinition } from '../src/briefing/definition.js';
import { DeliveryError } from '../src/errors.js';
import { message } from '../src/messages/message.js';
import type { Poster } from '../src/schedule/deliver.js';
import { capturingLogger, recordingAdapter, tempStores } from './schedule-support.js';

const H = 3600_000;
const MIN = 60_000;

function brief(over: Partial<BriefDefinition> = {}): BriefDefinition {
  return {
    name: 'morning',
    title: 'Morning brief',
    schedule: '0 8 * * 1-5',
    timezone: 'Europe/London',
    window: { kind: 'duration', ms: 24 * H },
    topics: [],
    sources: [],
    maxStories: 8,
    targets: ['console'],
    whenEmpty: 'skip',
    file: 'briefs/morning.yaml',
    ...over,
  };
}

/** A stand-in for the lead's buildBrief: records its windows and returns a message naming the window end. */
function fakeBuilder() {
  const calls: BriefOptions[] = [];
  const build: BuildBrief = (_store, opts) => {
    calls.push(opts);
    return message([{ type: 'paragraph', text: `stories until ${opts.until.toISOString()}` }], opts.title);
  };
  return { calls, build };
}

let env: ReturnType<typeof tempStores>;
const schedulers: Scheduler[] = [];

beforeEach(async () => {
  vi.useFakeTimers();
  env = tempStores();
});

afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.stop().catch(() => {});
  for (const task of cron.getTasks().values()) await task.destroy();
  vi.useRealTimers();
  env.cleanup();
});

function make(opts: {
  briefs: BriefDefinition[];
  adapters: [string, Poster][];
  build?: BuildBrief;
  owner?: string;
  distributed?: boolean;
  graceMs?: number;
  sweepMs?: number;
  log?: ReturnType<typeof capturingLogger>;
}) {
  const store = env.open();
  const s = createScheduler({
    store,
    briefs: opts.briefs,
    adapters: new Map(opts.adapters),
    buildBrief: opts.build ?? fakeBuilder().build,
    log: opts.log ?? capturingLogger(),
    owner: opts.owner,
    distributed: opts.distributed,
    graceMs: opts.graceMs,
    sweepMs: opts.sweepMs ?? 30 * MIN,
    // Exact waits here; the jitter is shown in tests/faults.test.ts.
    retry: { jitter: 0 },
  });
  schedulers.push(s);
  return { s, store };
}

describe('scheduler', () => {
  it.each([
    ['spring (GMT → BST)', '2026-03-26T12:00:00Z', ['2026-03-27T08:00:00.000Z', '2026-03-30T07:00:00.000Z']],
    ['autumn (BST → GMT)', '2026-10-22T12:00:00Z', ['2026-10-23T07:00:00.000Z', '2026-10-26T08:00:00.000Z']],
  ])('fires at 08:00 London on both sides of the %s change', async (_label, start, expected) => {
    vi.setSystemTime(new Date(start));
    const con = recordingAdapter();
    const builder = fakeBuilder();
    const { s, store } = make({ briefs: [brief()], adapters: [['console', con.adapter]], build: builder.build });
    await s.start();
    expect(s.nextRuns()).toEqual([{ brief: 'morning', at: new Date(expected[0]) }]);
    await vi.advanceTimersByTimeAsync(4.5 * 24 * H);
    expect(con.posted.map((p) => p.at)).toEqual(expected);
    expect(con.posted.map((p) => p.message.text)).toEqual(expected.map((e) => `Morning brief\nstories until ${e}`));
    expect(builder.calls.map((c) => [c.since.toISOString(), c.until.toISOString(), c.title, c.maxStories])).toEqual(
      expected.map((e) => [new Date(Date.parse(e) - 24 * H).toISOString(), e, 'Morning brief', 8]),
    );
    expect((await store.deliveries.recent(10)).map((d) => [d.slot, d.target, d.status, d.attempts, d.late])).toEqual(
      [...expected].reverse().map((e) => [e, 'console', 'delivered', 1, false]),
    );
  });

  it.each([
    ['spring: 01:30 does not exist on 29 March', '2026-03-27T12:00:00Z', ['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']],
    ['autumn: 01:30 happens twice on 25 October', '2026-10-23T12:00:00Z', ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']],
  ])('a brief in the hour the clocks change runs exactly once a day (%s)', async (_label, start, expected) => {
    vi.setSystemTime(new Date(start));
    const con = recordingAdapter();
    const { s, store } = make({ briefs: [brief({ schedule: '30 1 * * *' })], adapters: [['console', con.adapter]] });
    await s.start();
    await vi.advanceTimersByTimeAsync(3 * 24 * H);
    expect((await store.deliveries.recent(10)).map((d) => d.slot).reverse()).toEqual(expected);
    expect(con.posted).toHaveLength(3);
  });

  it('a run killed after 2 of 5 targets delivers the other 3 after restart, with no repeats', async () => {
    vi.setSystemTime(new Date('2026-03-02T07:59:00Z'));
    const targets = ['slack:C1', 'slack:C2', 'slack:C3', 'slack:C4', 'slack:C5'];
    const b = brief({ schedule: '0 8 * * *', timezone: 'UTC', targets });
    const builder = fakeBuilder();
    // The first process: C1 and C2 go through, then it "dies" with the other posts hanging.
    const first = recordingAdapter((t) => (t === 'slack:C1' || t === 'slack:C2' ? undefined : new Promise<void>(() => {})));
    const a = make({ briefs: [b], adapters: [['slack', first.adapter]], build: builder.build, owner: 'first' });
    await a.s.start();
    await vi.advanceTimersByTimeAsync(61_000);
    expect(first.posted.map((p) => p.target)).toEqual(['slack:C1', 'slack:C2']);
    await a.store.close(); // killed: its connection is gone and its claims are left behind
    schedulers.splice(schedulers.indexOf(a.s), 1);
    for (const task of cron.getTasks().values()) await task.destroy();

    // Restart two minutes later: the dead process's leases (5 min) still hold, so nothing is posted yet…
    vi.setSystemTime(new Date('2026-03-02T08:02:00Z'));
    const second = recordingAdapter();
    const b2 = make({ briefs: [b], adapters: [['slack', second.adapter]], build: builder.build, owner: 'second' });
    await b2.s.start();
    expect(second.posted).toEqual([]);
    // …and once they lapse, the next sweep delivers exactly the three that were left.
    await vi.advanceTimersByTimeAsync(40 * MIN);
    expect(second.posted.map((p) => p.target).sort()).toEqual(['slack:C3', 'slack:C4', 'slack:C5']);
    expect(second.posted.map((p) => p.message.text)).toEqual(Array(3).fill('Morning brief\nstories until 2026-03-02T08:00:00.000Z'));
    expect(builder.calls).toHaveLength(1); // the stored brief is reused, not rebuilt
    const rows = await b2.store.deliveries.forSlot('morning', '2026-03-02T08:00:00.000Z');
    expect(rows.map((d) => [d.target, d.status, d.attempts, d.late])).toEqual([
      ['slack:C1', 'delivered', 1, false],
      ['slack:C2', 'delivered', 1, false],
      ['slack:C3', 'delivered', 2, true],
      ['slack:C4', 'delivered', 2, true],
      ['slack:C5', 'delivered', 2, true],
    ]);
  });

  it('takes over a dead process\'s claim at the first sweep after its lease lapses, while another target of the slot backs off', async () => {
    const slot = '2026-03-02T08:00:00.000Z';
    const targets = ['slack:C1', 'slack:C2'];
    // What a process killed at 08:00:30 left behind: the run built, and its claim on C2 (a 5 min lease).
    vi.setSystemTime(new Date('2026-03-02T08:00:30Z'));
    const dead = env.open();
    await dead.coordination.heartbeat('dead', new Date('2026-03-02T07:59:00Z'));
    const msg = message([{ type: 'paragraph', text: 'stories until 08:00' }], 'Morning brief');
    await dead.deliveries.recordRun({ brief: 'morning', slot, status: 'built', message: JSON.stringify(msg), targets, late: false }, new Date());
    expect(await dead.deliveries.claimMany([{ key: { brief: 'morning', slot, target: 'slack:C2' } }], 'dead', new Date(), 5 * MIN)).toHaveLength(1);
    await dead.close();

    // Another process starts at 08:01. Slack rate-limits its first post to C1 for 20 min (waited out up to the 10 min cap).
    vi.setSystemTime(new Date('2026-03-02T08:01:00Z'));
    const rec = recordingAdapter((t, n) => {
      if (t === 'slack:C1' && n === 1) throw new DeliveryError('rate_limited', 'HTTP 429 Too Many Requests', { retryable: true, retryAfterMs: 20 * MIN, notPosted: true });
    });
    const { s, store } = make({ briefs: [brief({ schedule: '0 8 * * *', timezone: 'UTC', targets })], adapters: [['slack', rec.adapter]], owner: 'second', sweepMs: MIN });
    // start() resolves once its catch-up is done, which includes C1's wait: not awaited until then.
    const started = s.start();
    // The lease lapses at 08:05:30; the sweep at 08:06 takes C2 over, while C1 still waits.
    await vi.advanceTimersByTimeAsync(6 * MIN);
    expect(rec.posted.map((p) => [p.target, p.at])).toEqual([['slack:C2', '2026-03-02T08:06:00.000Z']]);
    await vi.advanceTimersByTimeAsync(5 * MIN);
    await started;
    expect(rec.posted.map((p) => [p.target, p.at])).toEqual([
      ['slack:C2', '2026-03-02T08:06:00.000Z'],
      ['slack:C1', '2026-03-02T08:11:00.000Z'],
    ]);
    expect((await store.deliveries.forSlot('morning', slot)).map((d) => [d.target, d.status, d.attempts, d.owner])).toEqual([
      ['slack:C1', 'delivered', 2, 'second'],
      ['slack:C2', 'delivered', 2, 'second'],
    ]);
  });

  it.each([false, true])('two schedulers on one SQLite file deliver each target exactly once (distributed: %s)', async (distributed) => {
    vi.setSystemTime(new Date('2026-03-02T07:59:00Z'));
    const targets = ['slack:C1', 'slack:C2', 'slack:C3', 'discord:4', 'console'];
    const b = brief({ schedule: '0 8 * * *', timezone: 'UTC', targets });
    // Posts take a while, so the second instance reaches each target while the first one's claim is still open.
    const slowPost = () => new Promise<void>((r) => setTimeout(r, 500));
    const adapters = [recordingAdapter(slowPost), recordingAdapter(slowPost)];
    const instances = adapters.map((rec, i) =>
      make({ briefs: [b], adapters: [['slack', rec.adapter], ['discord', rec.adapter], ['console', rec.adapter]], owner: `i${i}`, distributed }),
    );
    await Promise.all(instances.map((x) => x.s.start()));
    await vi.advanceTimersByTimeAsync(30 * MIN);
    const all = adapters.flatMap((a) => a.posted.map((p) => p.target)).sort();
    expect(all).toEqual([...targets].sort());
    expect((await instances[0].store.deliveries.forSlot('morning', '2026-03-02T08:00:00.000Z')).every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
  });

  it('retries a 429 after retryAfterMs and delivers it; other targets are not held up', async () => {
    vi.setSystemTime(new Date('2026-03-02T07:59:00Z'));
    const rec = recordingAdapter((t, n) => {
      if (t === 'slack:C1' && n === 1) throw new DeliveryError('rate_limited', 'HTTP 429 Too Many Requests', { retryable: true, retryAfterMs: 30_000 });
    });
    const { s, store } = make({ briefs: [brief({ schedule: '0 8 * * *', timezone: 'UTC', targets: ['slack:C1', 'slack:C2'] })], adapters: [['slack', rec.adapter]] });
    await s.start();
    await vi.advanceTimersByTimeAsync(60_000 + 29_000);
    expect(rec.posted.map((p) => [p.target, p.at])).toEqual([['slack:C2', '2026-03-02T08:00:00.000Z']]);
    expect(await store.deliveries.get({ brief: 'morning', slot: '2026-03-02T08:00:00.000Z', target: 'slack:C1' })).toMatchObject({
      status: 'failed',
      final: false,
      attempts: 1,
      error: 'rate_limited: HTTP 429 Too Many Requests',
    });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(rec.posted.map((p) => [p.target, p.at])).toEqual([
      ['slack:C2', '2026-03-02T08:00:00.000Z'],
      ['slack:C1', '2026-03-02T08:00:30.000Z'],
    ]);
    expect(await store.deliveries.get({ brief: 'morning', slot: '2026-03-02T08:00:00.000Z', target: 'slack:C1' })).toMatchObject({ status: 'delivered', attempts: 2, error: undefined });
  });

  it('gives up after the retry limit with exponential back-off, and says so in the deliveries list', async () => {
    vi.setSystemTime(new Date('2026-03-02T07:59:00Z'));
    const rec = recordingAdapter(() => {
      throw new DeliveryError('server_error', 'HTTP 503', { retryable: true });
    });
    const { s, store } = make({ briefs: [brief({ schedule: '0 8 * * *', timezone: 'UTC', targets: ['slack:C1'] })], adapters: [['slack', rec.adapter]] });
    await s.start();
    // Waits of 2, 4, 8 and 16 s (base 2 s, doubling): attempts at +0, +2, +6, +14 and +30 s, five in all.
    await vi.advanceTimersByTimeAsync(60_000 + 29_000);
    expect(await store.deliveries.get({ brief: 'morning', slot: '2026-03-02T08:00:00.000Z', target: 'slack:C1' })).toMatchObject({ final: false, attempts: 4 });
    await vi.advanceTimersByTimeAsync(2_000);
    const row = await store.deliveries.get({ brief: 'morning', slot: '2026-03-02T08:00:00.000Z', target: 'slack:C1' });
    expect(row).toMatchObject({ status: 'failed', final: true, attempts: 5, error: 'server_error: HTTP 503' });
    expect(formatDeliveries(await listDeliveries(store, 10))).toEqual([
      `${row!.updatedAt}  morning  slot 2026-03-02T08:00:00.000Z  slack:C1  failed (5 attempts)  — server_error: HTTP 503`,
    ]);
    expect(row!.updatedAt).toBe('2026-03-02T08:00:30.000Z');
  });

  it('a permanent failure disables the subscription and tells the subscriber', async () => {
    vi.setSystemTime(new Date('2026-03-02T07:59:00Z'));
    const rec = recordingAdapter((t) => {
      if (t === 'slack:C9') throw new DeliveryError('channel_not_found', 'the channel was deleted or the bot was removed', { permanent: true });
    });
    const con = recordingAdapter();
    const { s, store } = make({ briefs: [brief({ schedule: '0 8 * * *', timezone: 'UTC' })], adapters: [['slack', rec.adapter], ['console', con.adapter]] });
    await store.subscriptions.add({ brief: 'morning', target: 'slack:C9', subscribedBy: 'slack:U1', now: new Date() });
    await s.start();
    await vi.advanceTimersByTimeAsync(2 * MIN);
    expect(con.posted.map((p) => p.target)).toEqual(['console']);
    expect(await store.subscriptions.list()).toEqual([
      expect.objectContaining({ target: 'slack:C9', disabledAt: '2026-03-02T08:00:00.000Z', disabledReason: 'channel_not_found: the channel was deleted or the bot was removed' }),
    ]);
    expect(rec.posted.map((p) => [p.target, p.message.text])).toEqual([
      [
        'slack:U1',
        'Brief subscription disabled\n' +
          'I could not post the "Morning brief" brief (morning) to slack:C9, so I have stopped sending it there.\n' +
          'What went wrong: channel_not_found: the channel was deleted or the bot was removed\n' +
          'How to fix it: check that the channel still exists and that the bot can post in it (Slack: invite the bot with /invite; Discord: give it View Channel and Send Messages), then run "/briefbot subscribe morning" in that channel again.',
      ],
    ]);
    expect(await store.deliveries.get({ brief: 'morning', slot: '2026-03-02T08:00:00.000Z', target: 'slack:C9' })).toMatchObject({ status: 'failed', final: true, attempts: 1 });
    // The next day it is no longer a target.
    await vi.advanceTimersByTimeAsync(24 * H);
    expect(rec.posted).toHaveLength(1);
    expect(con.posted).toHaveLength(2);
  });

  it('catch-up: a slot missed while down is delivered late inside the grace window', async () => {
    vi.setSystemTime(new Date('2026-03-02T07:00:00Z'));
    const b = brief({ schedule: '0 8 * * *', timezone: 'UTC' });
    const before = make({ briefs: [b], adapters: [['console', recordingAdapter().adapter]] });
    await before.s.start();
    await before.s.stop();
    vi.setSystemTime(new Date('2026-03-02T09:30:00Z')); // down for 08:00; 1.5 h late < 2 h grace
    const con = recordingAdapter();
    const log = capturingLogger();
    const { s, store } = make({ briefs: [b], adapters: [['console', con.adapter]], log });
    await s.start();
    expect(con.posted.map((p) => [p.at, p.message.text])).toEqual([['2026-03-02T09:30:00.000Z', 'Morning brief\nstories until 2026-03-02T08:00:00.000Z']]);
    expect((await store.deliveries.recent(5)).map((d) => [d.slot, d.status, d.late])).toEqual([['2026-03-02T08:00:00.000Z', 'delivered', true]]);
    expect(log.lines.some((l) => l.level === 'warn' && l.msg === 'delivering a brief late')).toBe(true);
  });

  it('catch-up: a slot missed outside the grace window is skipped, recorded and logged', async () => {
    vi.setSystemTime(new Date('2026-03-02T07:00:00Z'));
    const b = brief({ schedule: '0 8 * * *', timezone: 'UTC' });
    const before = make({ briefs: [b], adapters: [['console', recordingAdapter().adapter]] });
    await before.s.start();
    await before.s.stop();
    vi.setSystemTime(new Date('2026-03-02T10:30:00Z')); // 2.5 h after 08:00 > 2 h grace
    const con = recordingAdapter();
    const log = capturingLogger();
    const { s, store } = make({ briefs: [b], adapters: [['console', con.adapter]], log });
    await s.start();
    await vi.advanceTimersByTimeAsync(30 * MIN);
    expect(con.posted).toEqual([]);
    expect((await store.deliveries.recent(5)).map((d) => [d.slot, d.target, d.status, d.error])).toEqual([
      ['2026-03-02T08:00:00.000Z', 'console', 'skipped', 'missed while briefbot was down: more than 120 min ago (outside the grace window)'],
    ]);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toContain('missed brief skipped: outside the grace window');
  });

  it('a fresh install does not catch up on slots from before it ever ran', async () => {
    vi.setSystemTime(new Date('2026-03-02T08:30:00Z'));
    const con = recordingAdapter();
    const { s, store } = make({ briefs: [brief({ schedule: '0 8 * * *', timezone: 'UTC' })], adapters: [['console', con.adapter]] });
    await s.start();
    expect(con.posted).toEqual([]);
    expect(await store.deliveries.recent(5)).toEqual([]);
  });

  it('when_empty: skip posts nothing; notice posts a short note', async () => {
    vi.setSystemTime(new Date('2026-03-02T07:59:00Z'));
    const con = recordingAdapter();
    const empty: BuildBrief = () => null;
    const { s } = make({
      briefs: [brief({ name: 'quiet', schedule: '0 8 * * *', timezone: 'UTC' }), brief({ name: 'chatty', title: undefined, schedule: '0 8 * * *', timezone: 'Europe/London', whenEmpty: 'notice' })],
      adapters: [['console', con.adapter]],
      build: empty,
    });
    await s.start();
    await vi.advanceTimersByTimeAsync(2 * MIN);
    expect(con.posted.map((p) => p.message.text)).toEqual(['Chatty\nNo new stories since Sun 1 Mar 2026 08:00 GMT.']);
  });

  it('stop() waits for posts in flight', async () => {
    vi.setSystemTime(new Date('2026-03-02T07:59:00Z'));
    let release!: () => void;
    const rec = recordingAdapter(() => new Promise<void>((r) => (release = r)));
    const { s, store } = make({ briefs: [brief({ schedule: '0 8 * * *', timezone: 'UTC' })], adapters: [['console', rec.adapter]] });
    await s.start();
    await vi.advanceTimersByTimeAsync(61_000);
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await store.deliveries.recent(1))[0]).toMatchObject({ status: 'delivered' });
  });
});
