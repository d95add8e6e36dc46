import iconv from 'iconv-lite';
import { BriefbotError } from '../errors.js';

/**
 * Bytes to text. Honours a BOM, then a declared charset (HTTP header, XML
 * declaration, HTML meta), then UTF-8; text that is not valid UTF-8 is read as
 * Windows-1252, which is what mislabelled Latin-1 pages almost always are.
 */
export function decodeText(bytes: Uint8Array, declared?: string): string {
  // NUL and the other non-space control characters past the sniffed head are noise in news text (NUL truncates strings in some tools).
  return decode(bytes, declared).replace(/[\u0000-\u0008\u000e-\u001f]/g, '');
}

// Not streaming, so one decoder serves every call (a failed decode leaves nothing behind).
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array, declared?: string): string {
  if (bytes.length === 0) throw new BriefbotError('empty', 'the input is empty');
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (looksBinary(buf)) throw new BriefbotError('binary', 'the input is binary, not text');
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  if (buf[0] === 0xff && buf[1] === 0xfe) return iconv.decode(buf.subarray(2), 'utf-16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return iconv.decode(buf.subarray(2), 'utf-16be');
  const charset = normaliseCharset(declared ?? sniffCharset(buf));
  if (charset && charset !== 'utf-8' && iconv.encodingExists(charset)) return iconv.decode(buf, charset);
  try {
    return UTF8.decode(buf);
  } catch {
    return iconv.decode(buf, 'windows-1252');
  }
}

function looksBinary(buf: Buffer): boolean {
  const sample = buf.subarray(0, 4096);
  let control = 0;
  // An indexed loop: for…of over a Buffer goes through the iterator, several times slower on every input read.
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i];
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control / sample.length > 0.1;
}

/** The charset an XML declaration or HTML meta tag declares, read from the ASCII-compatible head of the bytes. */
export function sniffCharset(buf: Buffer): string | undefined {
  const head = buf.subarray(0, 2048).toString('latin1');
  return (
    /<\?xml[^>]*encoding=["']([\w.:-]+)["']/i.exec(head)?.[1] ??
    /<meta[^>]+charset=["']?([\w.:-]+)/i.exec(head)?.[1]
  );
}

export function charsetFromContentType(contentType: string | null | undefined): string | undefined {
  return contentType ? /charset=["']?([\w.:-]+)/i.exec(contentType)?.[1] : undefined;
}

function normaliseCharset(charset: string | undefined): string | undefined {
  if (!charset) return undefined;
  const c = charset.toLowerCase();
  if (c === 'utf8' || c === 'utf-8') return 'utf-8';
  // Browsers read ISO-8859-1 and ASCII labels as Windows-1252; so do we.
  if (c === 'iso-8859-1' || c === 'latin1' || c === 'us-ascii' || c === 'ascii') return 'windows-1252';
  if (c === 'gb2312') return 'gbk';
  return c;
}
