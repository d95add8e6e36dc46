import { readFileSync } from 'node:fs';

/**
 * A process's memory from /proc/<pid>/status, in MiB: peak resident set (VmHWM), current
 * RSS, and the RSS split into anonymous pages (heaps and caches) and file pages (the node
 * binary, libraries and addons as far as they were read).
 */
export function processMemory(pid: number): { peak: number; rss: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peak: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024, anon: kb('RssAnon') / 1024, file: kb('RssFile') / 1024 };
}
