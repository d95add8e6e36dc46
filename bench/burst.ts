import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeSlack, type FakeSlack } from '../tests/fakes/slack/fake-slack.js';
import { slashCommand } from '../tests/fakes/slack/requests.js';
import { ensureBigStore } from './big-store.js';
import { processMemory } from './proc-memory.js';
import { startArgs, startEnv } from './start-args.js';
import { loadCorpus, repoRoot, sample } from './corpus.js';
import type { Figure } from './report.js';
import { percentile } from './stats.js';

export interface BurstOptions {
  articles: number;
  /** Burst sizes: this many different questions sent at once. */
  bursts: number[];
  /** Questions sent one at a time, for the idle baseline. */
  sequential: number;
  log: (s: string) => void;
}

const BOT_TOKEN = 'xoxb-bench-burst';
const APP_TOKEN = 'xapp-bench-burst';

interface Timing {
  ack: number;
  answer: number;
}

/**
 * CPU time the bot has used so far, in ms: its main thread (the one whose id is the pid)
 * and all its other threads together (the workers, V8's compiler and GC helpers, tsx's
 * loader). Wall times on a shared machine follow the load; CPU per answer compares runs.
 */
function cpuOf(pid: number): { main: number; others: number } {
  const ticksMs = 10; // USER_HZ is 100 on Linux
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (Number(f[11]) + Number(f[12])) * ticksMs;
    if (Number(tid) === pid) main += ms;
    else others += ms;
  }
  return { main, others };
}

/** "CPU 12.3 ms per answer (main 1.2, other threads 11.1), load 1.2" for a phase of `n` answers. */
function cpuNote(before: { main: number; others: number }, after: { main: number; others: number }, n: number): string {
  const main = (after.main - before.main) / n;
  const others = (after.others - before.others) / n;
  return `bot CPU ${(main + others).toFixed(1)} ms per answer (main thread ${main.toFixed(1)}, other threads ${others.toFixed(1)}), load ${loadavg()[0].toFixed(1)}`;
}

/** A port nothing listens on now, for the bot's /metrics. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The bot's own heap figures from its /metrics, in MiB: the main thread's heap and each worker's largest. */
async function heaps(port: number): Promise<{ main: number; workers: number[] }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const mib = (v: string) => Number(v) / 2 ** 20;
  const main = /^briefbot_nodejs_heap_size_total_bytes (\S+)/m.exec(text)?.[1];
  const workers = [...text.matchAll(/^briefbot_worker_heap_bytes\{worker="(\d+)",kind="peak_total"\} (\S+)/gm)].map((m) => mib(m[2]));
  return { main: main ? mib(main) : NaN, workers };
}

/**
 * The bot as `npm start` runs it (bin/start.ts, Socket Mode, answers in its worker pool)
 * against the fake Slack in this process, on the big store. Different SQuAD questions
 * are sent as /ask slash commands: all at once, and one at a time for the baseline.
 * An ack is the bot's Socket Mode acknowledgement of the envelope; an answer is its
 * POST to the command's response_url; both timed from the moment the envelope is sent.
 */
export async function benchBurst(opts: BurstOptions): Promise<Figure[]> {
  const big = ensureBigStore(opts.articles, opts.log);
  const fake = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  const sent = new Map<string, number>();
  const acked = new Map<string, number>();
  const answered = new Map<string, number>();
  // Timestamps as the fake sees them: its socketAcks and responses are appended as each arrives.
  const envelopeOf = new Map<string, string>();
  const acks = fake.socketAcks;
  acks.push = (...items) => {
    for (const a of items) {
      const id = envelopeOf.get(a.envelope_id);
      if (id && !acked.has(id)) acked.set(id, performance.now());
    }
    return Array.prototype.push.apply(acks, items);
  };
  const responses = fake.responses;
  responses.push = (...items) => {
    for (const r of items) if (!answered.has(r.id)) answered.set(r.id, performance.now());
    return Array.prototype.push.apply(responses, items);
  };
  const briefs = mkdtempSync(join(tmpdir(), 'briefbot-burst-briefs-'));
  const healthPort = await freePort();
  const bot = startBot(fake, big.path, briefs, healthPort);
  const questions = sample(loadCorpus().questions, Math.max(...opts.bursts) + opts.sequential + 20, 23).map((q) => q.question);
  let next = 0;
  // Slack's trigger ids are unique: the cached store remembers this run's (redelivery dedupe), so the next run needs its own.
  const run = randomUUID().slice(0, 8);
  const send = (id: string) => {
    const envelope = `env-${id}`;
    envelopeOf.set(envelope, id);
    sent.set(id, performance.now());
    const fields = slashCommand({ command: '/ask', text: questions[next++ % questions.length], userId: 'U0BENCH', channelId: 'C0BENCH', responseUrl: fake.responseUrl(id), triggerId: `trigger-${run}-${id}` });
    // The fake gives up waiting after 5 s; the ack is timed above whenever it comes.
    fake.sendEnvelope({ type: 'slash_commands', payload: fields }, envelope).catch(() => {});
  };
  const untilAnswered = (ids: string[], ms: number) => fake.waitFor(() => ids.every((id) => answered.has(id)), `${ids.length} answers`, ms);
  const timings = (ids: string[]): Timing[] => ids.map((id) => ({ ack: acked.get(id)! - sent.get(id)!, answer: answered.get(id)! - sent.get(id)! }));
  const figures: Figure[] = [];
  try {
    await fake.waitFor(() => fake.socketCount > 0, 'the bot to connect over Socket Mode', 120_000);
    // Warm-up, not measured: the workers open the store and page in the index.
    const warm = Array.from({ length: 20 }, (_, i) => `warm-${i}`);
    for (const id of warm) {
      send(id);
      await untilAnswered([id], 60_000);
    }
    const oneByOne = Array.from({ length: opts.sequential }, (_, i) => `seq-${i}`);
    const pid = bot.child.pid!;
    let cpu = cpuOf(pid);
    for (const id of oneByOne) {
      send(id);
      await untilAnswered([id], 60_000);
    }
    const idle = timings(oneByOne);
    const idleAnswers = idle.map((t) => t.answer);
    const idleCpu = cpuNote(cpu, (cpu = cpuOf(pid)), oneByOne.length);
    opts.log(`  burst: one at a time, answer p50 ${percentile(idleAnswers, 50).toFixed(0)} ms, p99 ${percentile(idleAnswers, 99).toFixed(0)} ms; ${idleCpu}`);
    figures.push({
      section: 'burst',
      name: '/ask one at a time: answer p99',
      value: percentile(idleAnswers, 99),
      unit: 'ms',
      note: `${opts.sequential} questions through Slack Socket Mode; p50 ${percentile(idleAnswers, 50).toFixed(0)} ms, ack p99 ${percentile(idle.map((t) => t.ack), 99).toFixed(1)} ms; ${idleCpu}`,
    });
    for (const n of opts.bursts) {
      const ids = Array.from({ length: n }, (_, i) => `b${n}-${i}`);
      for (const id of ids) send(id);
      await untilAnswered(ids, 300_000);
      const burstCpu = cpuNote(cpu, (cpu = cpuOf(pid)), n);
      const t = timings(ids);
      const ackMs = t.map((x) => x.ack);
      const answerMs = t.map((x) => x.answer);
      const line = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(0)}, p99 ${percentile(xs, 99).toFixed(0)}, max ${Math.max(...xs).toFixed(0)} ms`;
      opts.log(`  burst of ${n}: ack ${line(ackMs)}; answer ${line(answerMs)}; ${burstCpu}`);
      const big = n >= 1000;
      figures.push(
        {
          section: 'burst',
          name: `${n} at once: ack p99`,
          value: percentile(ackMs, 99),
          unit: 'ms',
          target: big ? { op: '<=', value: 300 } : undefined,
          note: `p50 ${percentile(ackMs, 50).toFixed(0)} ms, max ${Math.max(...ackMs).toFixed(0)} ms${big ? ' (every ack ≤ 1 s wanted)' : ''}`,
        },
        {
          section: 'burst',
          name: `${n} at once: ack max`,
          value: Math.max(...ackMs),
          unit: 'ms',
          target: big ? { op: '<=', value: 1000 } : undefined,
        },
        {
          section: 'burst',
          name: `${n} at once: answer p50`,
          value: percentile(answerMs, 50),
          unit: 'ms',
          baseline: { name: 'one at a time p50', value: percentile(idleAnswers, 50) },
          ratio: percentile(answerMs, 50) / percentile(idleAnswers, 50),
          ratioLabel: '× one at a time',
          target: big ? undefined : { op: '<=', value: 1000 },
        },
        {
          section: 'burst',
          name: `${n} at once: answer p99`,
          value: percentile(answerMs, 99),
          unit: 'ms',
          baseline: { name: 'one at a time p99', value: percentile(idleAnswers, 99) },
          ratio: percentile(answerMs, 99) / percentile(idleAnswers, 99),
          ratioLabel: '× one at a time',
          target: big ? { op: '<=', value: 10_000 } : undefined,
          note: `max ${Math.max(...answerMs).toFixed(0)} ms; ${big ? `all ${n} answered` : 'answers posted as each is ready'}; ${burstCpu}`,
        },
      );
    }
    const mem = processMemory(bot.child.pid!);
    const heap = await heaps(healthPort);
    const shares = heap.workers.map((w) => w.toFixed(0)).join(', ');
    opts.log(`  burst: peak RSS ${mem.peak.toFixed(0)} MiB (now ${mem.rss.toFixed(0)}: anonymous ${mem.anon.toFixed(0)}, files ${mem.file.toFixed(0)}); V8 heaps: main thread ${heap.main.toFixed(0)} MiB now, largest per worker ${shares} MiB`);
    figures.push(
      {
        section: 'burst',
        name: 'peak RSS, bot with its worker pool',
        value: mem.peak,
        unit: 'MiB',
        target: { op: '<=', value: 350 },
        note: `VmHWM of the bot process (main thread and workers share it) after the bursts, ${big.articles} articles; RSS now ${mem.rss.toFixed(0)} MiB (anonymous ${mem.anon.toFixed(0)}, files ${mem.file.toFixed(0)}); V8 heap: main ${heap.main.toFixed(0)} MiB, largest per worker ${shares} MiB`,
      },
      ...heap.workers.map((w, i) => ({
        section: 'burst',
        name: `worker ${i + 1}: largest V8 heap`,
        value: w,
        unit: 'MiB',
        note: 'as the worker reported after a task (briefbot_worker_heap_bytes on /metrics); SQLite\'s page cache is outside it',
      })),
    );
    return figures;
  } finally {
    await bot.stop();
    await fake.close();
    rmSync(briefs, { recursive: true, force: true });
  }
}

function startBot(fake: FakeSlack, dbPath: string, briefsDir: string, healthPort: number): { child: ChildProcess; stop(): Promise<void> } {
  const env: NodeJS.ProcessEnv = {
    ...startEnv(),
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BRIEFBOT_DB: dbPath,
    BRIEFBOT_BRIEFS_DIR: briefsDir,
    BRIEFBOT_LOAD_SAMPLES: 'false',
    BRIEFBOT_CONSOLE: 'false',
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_API_URL: fake.apiUrl,
    LOG_LEVEL: 'warn',
    HEALTH_PORT: String(healthPort),
  };
  // Extra node flags for looking into the bot, e.g. BURST_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = process.env.BURST_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, ...startArgs()], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  void exited.then(() => {
    if (child.exitCode) process.stderr.write(`burst bench: the bot exited with ${child.exitCode}: ${stderr}\n`);
  });
  return {
    child,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
