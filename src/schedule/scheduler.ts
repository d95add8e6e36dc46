import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { BriefDefinition } from '../briefing/definition.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Message } from '../messages/message.js';
import type { BriefRun } from '../store/schedule-types.js';
import type { Store } from '../store/store.js';
import { DEFAULT_RETRY, deliverToTarget, type DeliverContext, type DeliveryMetrics, type Poster, type RetryPolicy } from './deliver.js';
import { createLedgerWriter } from './ledger-writer.js';
import { nextSlot, slotKey, slotsBetween } from './slots.js';
import { composeRun, titleOf, type BuildBrief } from './run-brief.js';

export { titleOf, type BuildBrief } from './run-brief.js';

export interface SchedulerOptions {
  store: Store;
  briefs: BriefDefinition[];
  /** Posting adapters by platform ('slack', 'discord', 'console'). */
  adapters: Map<string, Poster>;
  buildBrief: BuildBrief;
  now?: () => Date;
  log: Logger;
  /** Missed slots younger than this are delivered late at start; older ones are skipped (default 2 h). */
  graceMs?: number;
  /** How long a claim holds before another instance may take the delivery over (default 5 min). */
  leaseMs?: number;
  retry?: Partial<RetryPolicy>;
  /** How often to resume unfinished deliveries and record a heartbeat (default 60 s). */
  sweepMs?: number;
  /** A run later than this after its slot is marked late (default 5 min). */
  lateAfterMs?: number;
  /** Identifies this instance in the ledger; random by default. */
  owner?: string;
  /** Also elect one instance per slot through node-cron's runCoordinator (the ledger is what guarantees exactly-once either way). */
  distributed?: boolean;
  metrics?: DeliveryMetrics;
}

export interface Scheduler {
  /** Catches up on missed slots and arms a node-cron task per brief and the periodic sweep; resolves once the catch-up's deliveries end. */
  start(): Promise<void>;
  /** Stops firing, ends retry waits, and waits for posts in flight. */
  stop(): Promise<void>;
  nextRuns(): { brief: string; at: Date }[];
  lastTickAt(): Date | undefined;
  /** Runs every due slot that is not finished (what start and the periodic sweep do). Exposed for tests and the CLI. */
  sweep(): Promise<void>;
}

/** File targets ∪ active subscriptions. */
export async function effectiveTargets(store: Store, brief: BriefDefinition): Promise<string[]> {
  const subs = (await store.subscriptions.list({ brief: brief.name })).filter((s) => !s.disabledAt).map((s) => s.target);
  return [...new Set([...brief.targets, ...subs])];
}

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const now = opts.now ?? (() => new Date());
  const graceMs = opts.graceMs ?? 2 * 3600_000;
  const leaseMs = opts.leaseMs ?? 5 * 60_000;
  const sweepMs = opts.sweepMs ?? 60_000;
  const lateAfterMs = opts.lateAfterMs ?? 5 * 60_000;
  const owner = opts.owner ?? `scheduler-${randomUUID()}`;
  const log = opts.log.child({ component: 'scheduler' });
  const { store } = opts;
  const aborter = new AbortController();
  const ctx: DeliverContext = {
    store,
    ledger: createLedgerWriter({ store, owner, leaseMs, now, log }),
    adapters: opts.adapters,
    owner,
    now,
    log,
    leaseMs,
    retry: { ...DEFAULT_RETRY, ...opts.retry },
    signal: aborter.signal,
    metrics: opts.metrics,
  };
  const tasks: ScheduledTask[] = [];
  const inFlight = new Map<string, Promise<unknown>>();
  let sweepTimer: NodeJS.Timeout | undefined;
  let lastTick: Date | undefined;
  let startedAt: Date | undefined;
  /** Slots after this with no run recorded are due: the last heartbeat before we started, or our start. */
  let dueAfter: Date | undefined;
  let stopped = false;

  /** Runs `fn` once per key at a time in this process; stop() waits for all of them. */
  function once(key: string, fn: () => Promise<unknown>): Promise<unknown> {
    const running = inFlight.get(key);
    if (running) return running;
    const p = fn()
      .catch((err) => log.error({ key, err: errorMessage(err) }, 'unexpected scheduler error'))
      .finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  }

  /** Builds the brief for a slot once (first instance to record it wins) and stores it with its targets. */
  async function buildRun(brief: BriefDefinition, slot: Date, late: boolean): Promise<BriefRun> {
    const { message: msg, options } = await composeRun(store, brief, slot, opts.buildBrief);
    const since = options.since;
    const run = await store.deliveries.recordRun(
      { brief: brief.name, slot: slotKey(slot), status: 'built', message: msg ? JSON.stringify(msg) : undefined, targets: await effectiveTargets(store, brief), late },
      now(),
    );
    if (!run.message) log.info({ brief: brief.name, slot: run.slot, since: since.toISOString() }, 'no matching stories; nothing posted');
    return run;
  }

  /** Targets of a stored run still worth posting to: file targets, and subscriptions still active. */
  async function stillWanted(brief: BriefDefinition, target: string): Promise<boolean> {
    if (brief.targets.includes(target)) return true;
    return (await store.subscriptions.list({ brief: brief.name, target })).some((s) => !s.disabledAt);
  }

  /** Reads the slot's run, or builds it (the first instance to record it wins); undefined when it could not be built. */
  async function prepareRun(brief: BriefDefinition, slot: Date, late: boolean): Promise<BriefRun | undefined> {
    const run = await store.deliveries.getRun(brief.name, slotKey(slot));
    if (run) return run;
    try {
      return await buildRun(brief, slot, late);
    } catch (err) {
      // Not recorded, so the next sweep tries again while the slot is inside the grace window.
      log.error({ brief: brief.name, slot: slotKey(slot), err: errorMessage(err) }, 'building the brief failed');
      return undefined;
    }
  }

  /**
   * Only reading or building the run is one-at-a-time per slot; each target is a job of its
   * own. A sweep therefore reaches every target not already being worked on here (one whose
   * claim by a dead process has just lapsed, say) even while another target of the same slot
   * waits out a long back-off.
   */
  async function runSlot(brief: BriefDefinition, slot: Date): Promise<unknown> {
    lastTick = now();
    const late = now().getTime() - slot.getTime() > lateAfterMs;
    const run = (await once(`${brief.name}|${slotKey(slot)}`, () => prepareRun(brief, slot, late))) as BriefRun | undefined;
    if (!run || run.status !== 'built' || !run.message || stopped) return;
    const keyOf = (target: string) => `${brief.name}|${run.slot}|${target}`;
    const idle = run.targets.filter((t) => !inFlight.has(keyOf(t)));
    let targets: string[];
    try {
      const wanted = await Promise.all(idle.map((t) => stillWanted(brief, t)));
      targets = idle.filter((_, i) => wanted[i]);
    } catch (err) {
      // The next sweep asks again; the targets already being delivered go on meanwhile.
      log.error({ brief: brief.name, slot: run.slot, err: errorMessage(err) }, 'could not read the subscriptions of a run');
      targets = [];
    }
    if (targets.length && !stopped) {
      const msg = JSON.parse(run.message) as Message;
      const title = titleOf(brief);
      if (late) log.warn({ brief: brief.name, slot: run.slot, lateByMs: now().getTime() - slot.getTime() }, 'delivering a brief late');
      // Each target on its own: one slow or failing channel never holds up the others.
      for (const target of targets) void once(keyOf(target), () => deliverToTarget(ctx, { brief: brief.name, slot: run.slot, target }, msg, { title, late: run.late || late }));
    }
    // Done when every target's job here is: the ones just started and the ones already running.
    return Promise.all(run.targets.map((t) => inFlight.get(keyOf(t))));
  }

  /**
   * node-cron says "now"; cron-parser names the slot. The two disagree about local times
   * that a DST change skips or repeats (node-cron skips 01:30 on the spring-forward day and
   * runs the second 01:30 in autumn; cron-parser shifts the first and runs the first), so
   * slots always come from cron-parser, the one the catch-up and the ledger use: a fire
   * runs the latest slot at or before it, and the sweep covers a slot node-cron never fires.
   */
  async function fired(brief: BriefDefinition, at: Date): Promise<unknown> {
    const slot = slotsBetween(brief, new Date(at.getTime() - graceMs), new Date(at.getTime() + 999), 1)[0];
    if (!slot) return;
    const run = await store.deliveries.getRun(brief.name, slotKey(slot));
    if (run && !(await unfinished(run))) return;
    return runSlot(brief, slot);
  }

  async function unfinished(run: BriefRun): Promise<boolean> {
    if (run.status !== 'built' || !run.message) return false;
    const done = new Map((await store.deliveries.forSlot(run.brief, run.slot)).map((d) => [d.target, d]));
    return run.targets.some((t) => {
      const d = done.get(t);
      return !d || d.status === 'claimed' || (d.status === 'failed' && !d.final);
    });
  }

  /** Marks what was missed beyond the grace window as skipped, and says so. */
  async function skipTooOld(brief: BriefDefinition, t: Date): Promise<void> {
    const limit = new Date(t.getTime() - graceMs);
    for (const run of await store.deliveries.runsSince(brief.name, new Date(limit.getTime() - 7 * 24 * 3600_000).toISOString())) {
      if (new Date(run.slot) > limit || !(await unfinished(run))) continue;
      const done = new Set((await store.deliveries.forSlot(run.brief, run.slot)).filter((d) => d.status === 'delivered' || d.final).map((d) => d.target));
      for (const target of run.targets.filter((x) => !done.has(x))) {
        const d = await store.deliveries.get({ brief: run.brief, slot: run.slot, target });
        if (d) await store.deliveries.fail({ brief: run.brief, slot: run.slot, target }, `not delivered within the ${graceMs / 60_000} min grace window`, true, t);
        else await store.deliveries.skip({ brief: run.brief, slot: run.slot, target }, `missed: outside the ${graceMs / 60_000} min grace window`, t);
        opts.metrics?.inc({ status: 'skipped' });
      }
      log.warn({ brief: brief.name, slot: run.slot }, 'unfinished run is older than the grace window; the rest is skipped');
    }
    if (!dueAfter) return;
    for (const slot of slotsBetween(brief, dueAfter, limit)) {
      const key = slotKey(slot);
      if (await store.deliveries.getRun(brief.name, key)) continue;
      const targets = await effectiveTargets(store, brief);
      const reason = `missed while briefbot was down: more than ${graceMs / 60_000} min ago (outside the grace window)`;
      await store.deliveries.recordRun({ brief: brief.name, slot: key, status: 'skipped', targets, late: true, note: reason }, t);
      for (const target of targets) await store.deliveries.skip({ brief: brief.name, slot: key, target }, reason, t);
      opts.metrics?.inc({ status: 'skipped' });
      log.warn({ brief: brief.name, slot: key, targets }, 'missed brief skipped: outside the grace window');
    }
  }

  async function sweep(): Promise<void> {
    await Promise.all(await dispatchSweep());
  }

  /**
   * The sweep up to starting its jobs: resolves with them, not after them, so start() can arm
   * the periodic sweep before the catch-up's deliveries (and their back-offs) are done.
   */
  async function dispatchSweep(): Promise<Promise<unknown>[]> {
    const t = now();
    lastTick = t;
    await store.coordination.heartbeat(owner, t);
    const jobs: Promise<unknown>[] = [];
    for (const brief of opts.briefs) {
      try {
        await skipTooOld(brief, t);
        const from = new Date(t.getTime() - graceMs);
        // Started runs with deliveries left (a crash, a lost lease, a retry cut short by shutdown).
        for (const run of await store.deliveries.runsSince(brief.name, slotKey(from))) {
          if (await unfinished(run)) jobs.push(runSlot(brief, new Date(run.slot)));
        }
        // Slots nobody ran: missed while down (late), or a build that failed.
        if (dueAfter) {
          for (const slot of slotsBetween(brief, new Date(Math.max(from.getTime(), dueAfter.getTime())), t)) {
            if (!(await store.deliveries.getRun(brief.name, slotKey(slot)))) jobs.push(runSlot(brief, slot));
          }
        }
      } catch (err) {
        log.error({ brief: brief.name, err: errorMessage(err) }, 'sweep failed for this brief');
      }
    }
    // Everything older than the grace window is now settled (run, resumed or skipped): scan less next time.
    const settled = new Date(t.getTime() - graceMs);
    if (dueAfter && settled > dueAfter) dueAfter = settled;
    return jobs;
  }

  const cronLogger = {
    info: (m: string) => log.debug({ source: 'node-cron' }, m),
    warn: (m: string) => log.warn({ source: 'node-cron' }, m),
    error: (m: string | Error, e?: Error) => log.error({ source: 'node-cron', err: errorMessage(e ?? m) }, 'node-cron error'),
    debug: (m: string | Error) => log.debug({ source: 'node-cron' }, errorMessage(m)),
  };

  return {
    async start() {
      if (startedAt) return;
      startedAt = now();
      dueAfter = (await store.coordination.lastHeartbeat()) ?? startedAt;
      if (dueAfter > startedAt) dueAfter = startedAt;
      log.info({ owner, briefs: opts.briefs.map((b) => b.name), downSince: dueAfter.toISOString() }, 'scheduler starting');
      for (const brief of opts.briefs) {
        const task = cron.createTask(brief.schedule, (c) => fired(brief, c.date), {
          timezone: brief.timezone,
          name: `brief:${brief.name}`,
          logger: cronLogger,
          ...(opts.distributed
            ? { distributed: true, distributedLease: leaseMs, runCoordinator: { shouldRun: (k: string, ttl: number) => store.coordination.shouldRun(k, ttl) } }
            : {}),
        });
        // node-cron reports slots it could not fire on time (a blocked event loop, a suspended laptop); run them late.
        task.on('execution:missed', (c) => void fired(brief, c.date).catch((err) => log.error({ brief: brief.name, err: errorMessage(err) }, 'late run failed')));
        tasks.push(task);
      }
      const catchUp = await dispatchSweep();
      if (stopped) return;
      for (const task of tasks) await task.start();
      // Armed before the catch-up finishes: a catch-up delivery backing off for minutes must
      // not stop the heartbeat, nor the sweeps that take over a dead process's lapsed claims.
      sweepTimer = setInterval(() => void sweep().catch((err) => log.error({ err: errorMessage(err) }, 'sweep failed')), sweepMs);
      sweepTimer.unref();
      await Promise.all(catchUp);
    },
    async stop() {
      stopped = true;
      if (sweepTimer) clearInterval(sweepTimer);
      for (const task of tasks) await task.destroy();
      aborter.abort();
      while (inFlight.size) await Promise.all([...inFlight.values()]);
      log.info({ owner }, 'scheduler stopped');
    },
    nextRuns() {
      const from = now();
      return opts.briefs.map((b) => ({ brief: b.name, at: nextSlot(b, from) }));
    },
    lastTickAt: () => lastTick,
    sweep,
  };
}
