import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Core } from '../../src/adapter.js';
import { ingestInputs } from '../../src/articles/ingest.js';
import { createCore, type CoreOptions } from '../../src/core.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';

export const FIXTURE_ARTICLE = fileURLToPath(new URL('../../../shared/fixtures/articles/malaysia-kenya-strategic-partnership.txt', import.meta.url));
export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));

/** A real core over a temp SQLite store holding the fixture article (and any extra article files). */
export async function makeFixtureCore(
  opts: { articles?: string[]; core?: Omit<CoreOptions, 'store'> } = {},
): Promise<{ core: Core; store: Store; dir: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-test-'));
  const store = openSqliteStore(join(dir, 'briefbot.db'));
  const report = await ingestInputs(store, [FIXTURE_ARTICLE, ...(opts.articles ?? [])]);
  if (report.errors > 0) throw new Error(`fixture ingest failed: ${JSON.stringify(report.results)}`);
  const core = createCore({ store, ...opts.core });
  return {
    core,
    store,
    dir,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
