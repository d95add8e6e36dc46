import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { readInputs, storeArticleOffThread } from '../articles/ingest.js';
import { errorMessage } from '../errors.js';
import type { Store } from '../store/store.js';

export const FOLDER_EXTENSIONS = new Set(['.txt', '.text', '.md', '.html', '.htm']);

export interface FolderScanResult {
  added: number;
  primed: number;
  /** Files still being written (modified within the settle time): scanned again later. */
  unsettled: number;
  errors: string[];
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(path)));
    else if (e.isFile() && FOLDER_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(path);
  }
  return out.sort();
}

/**
 * Scans a scraper's output folder: every new or changed .txt/.html file (by size and
 * mtime) is ingested once. Files touched within `settleMs` are left for the next scan so
 * a half-written file is not read. The first scan of a new folder source only records
 * what is already there, like a feed's first poll.
 */
export async function scanFolder(
  store: Store,
  dir: string,
  opts: { primed: boolean; now: () => Date; settleMs?: number; maxBytes?: number },
): Promise<FolderScanResult> {
  const settleMs = opts.settleMs ?? 2_000;
  const result: FolderScanResult = { added: 0, primed: 0, unsettled: 0, errors: [] };
  for (const file of await listFiles(dir)) {
    let info;
    try {
      info = await stat(file);
    } catch {
      continue; // removed between listing and stat
    }
    const now = opts.now();
    if (opts.primed && now.getTime() - info.mtimeMs < settleMs) {
      result.unsettled += 1;
      continue;
    }
    const fingerprint = `${info.size}:${Math.trunc(info.mtimeMs)}`;
    const key = `file:${file}`;
    if ((await store.sources.seen(dir, key)) === fingerprint) continue;
    if (!opts.primed) {
      await store.sources.markSeen(dir, key, fingerprint, now);
      result.primed += 1;
      continue;
    }
    for await (const r of readInputs([file], { maxBytes: opts.maxBytes, now: opts.now })) {
      if ('error' in r) {
        result.errors.push(`${r.input}: ${r.error.code}: ${r.error.message}`);
        continue;
      }
      try {
        if ((await storeArticleOffThread(store, r.article, r.input)).status === 'added') result.added += 1;
      } catch (err) {
        result.errors.push(`${r.input}: ${errorMessage(err)}`);
      }
    }
    // Marked even when unreadable: a broken file is reported once, and again only when it changes.
    await store.sources.markSeen(dir, key, fingerprint, now);
  }
  return result;
}
