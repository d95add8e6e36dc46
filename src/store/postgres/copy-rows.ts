import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format: \N for null; backslash, tab and line ends escaped, as they delimit fields and rows. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const s = typeof value === 'boolean' ? (value ? 't' : 'f') : String(value);
  return s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]);
}

/** Rows per chunk written to the server: one write per row would spend the time in stream calls. */
const ROWS_PER_CHUNK = 500;

function* chunks(rows: Iterable<unknown[]>): Generator<string> {
  let chunk = '';
  let n = 0;
  for (const row of rows) {
    chunk += `${row.map(copyField).join('\t')}\n`;
    if (++n === ROWS_PER_CHUNK) {
      yield chunk;
      chunk = '';
      n = 0;
    }
  }
  if (chunk) yield chunk;
}

/**
 * Streams `rows` into `table (columns)` with COPY FROM STDIN on `client` (a plain pg client:
 * the COPY holds its connection until the last row), pulling rows only as fast as the server
 * takes them. Returns the rows copied.
 */
export async function copyRows(client: pg.ClientBase, table: string, columns: readonly string[], rows: Iterable<unknown[]>): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks(rows)), stream);
  return stream.rowCount;
}
