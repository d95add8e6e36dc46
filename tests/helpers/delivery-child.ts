/**
 * A bot process for tests/delivery-crash.test.ts: the real scheduler, the real Slack or
 * Discord adapter against a fake platform, the real SQLite ledger. It resumes the brief
 * run the test recorded in the store, prints `{"done":true}` once every delivery of that
 * run is settled, and exits. The test may SIGKILL it at any moment.
 *
 *   node --import tsx tests/helpers/delivery-child.ts <slack|discord> <api url> <db file> <run json>
 */
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { createSlackAdapter } from '../../adapters/slack/index.js';
import type { Adapter, Core } from '../../src/adapter.js';
import type { BriefDefinition } from '../../src/briefing/definition.js';
import { createLogger } from '../../src/logger.js';
import { createScheduler } from '../../src/schedule/scheduler.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';

const [platform, apiUrl, dbFile, runJson] = process.argv.slice(2);
const run = JSON.parse(runJson) as { brief: string; slot: string; targets: string[] };
const log = createLogger('warn', process.stderr);
const store = openSqliteStore(dbFile);

const adapter: Adapter =
  platform === 'slack'
    ? createSlackAdapter({ botToken: 'xoxb-crash-test', signingSecret: 'crash-test-secret', apiUrl, port: 0, host: '127.0.0.1', logger: log })
    : createDiscordAdapter({ token: 'crash-test-token', applicationId: '111111111111111111', apiUrl, logger: log });
const core = { log, briefNames: () => [], handle: async () => ({ message: { title: '', blocks: [], text: '' } }) } as unknown as Core;
await adapter.start(core);

const brief: BriefDefinition = {
  name: run.brief,
  title: 'Crash test',
  schedule: '0 0 1 1 *', // never fires during the test: the run is resumed by the sweep
  timezone: 'UTC',
  window: { kind: 'duration', ms: 86_400_000 },
  topics: [],
  sources: [],
  maxStories: 8,
  targets: run.targets,
  whenEmpty: 'skip',
  file: 'tests/helpers/delivery-child.ts',
};
const scheduler = createScheduler({
  store,
  briefs: [brief],
  adapters: new Map([[platform, adapter]]),
  buildBrief: () => {
    throw new Error('the run is stored by the test; nothing is built');
  },
  log,
  // Short, so the restarted process takes over the dead one's claims within the test.
  leaseMs: 1_500,
  sweepMs: 250,
  retry: { baseMs: 100, maxMs: 1_000 },
});
await scheduler.start();
for (;;) {
  const rows = await store.deliveries.forSlot(run.brief, run.slot);
  if (rows.length === run.targets.length && rows.every((d) => d.status === 'delivered' || (d.status === 'failed' && d.final))) break;
  await new Promise((r) => setTimeout(r, 100));
}
await scheduler.stop();
await adapter.stop();
store.close();
process.stdout.write(`${JSON.stringify({ done: true })}\n`);
process.exit(0);
