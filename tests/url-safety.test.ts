/**
 * Fetched URLs never reach private, loopback or link-local addresses: not by a literal
 * address in any spelling, not by a name that resolves to one, and not behind a
 * redirect from a host that was allowed. Names are pointed at addresses by an injected
 * resolver, so every case runs against a real server on 127.0.0.1 without DNS.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeFetch, type Resolver } from '../src/articles/fetch.js';

let server: Server;
let port: number;
const hits: string[] = [];

const NAMES: Record<string, string> = {
  // An intranet feed host the operator allowed by name.
  'feeds.intranet': '127.0.0.1',
  // Public-looking names that resolve to loopback and to the cloud metadata address.
  'rebind.example': '127.0.0.1',
  'metadata.example': '169.254.169.254',
  'mapped.example': '::ffff:127.0.0.1',
};
const resolve: Resolver = async (hostname) => {
  const address = NAMES[hostname];
  if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};
const opts = { resolve, privateHosts: ['feeds.intranet'], timeoutMs: 3000 };

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.headers.host}${req.url}`);
    const to = (location: string) => res.writeHead(302, { location }).end();
    switch (req.url) {
      case '/article.html':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<p>secret intranet page</p>');
        return;
      case '/to-rebind':
        return to(`http://rebind.example:${port}/article.html`);
      case '/to-metadata':
        return to(`http://metadata.example:${port}/latest/meta-data/`);
      case '/to-literal':
        return to(`http://127.0.0.1:${port}/article.html`);
      case '/to-decimal':
        return to(`http://2130706433:${port}/article.html`);
      case '/to-mapped':
        return to(`http://[::ffff:127.0.0.1]:${port}/article.html`);
      case '/to-link-local':
        return to(`http://169.254.169.254:${port}/latest/meta-data/`);
      case '/to-same-host':
        return to('/article.html');
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('URL safety', () => {
  it('fetches an allowed intranet host by name, and follows its redirects to itself', async () => {
    const page = await safeFetch(`http://feeds.intranet:${port}/article.html`, opts);
    expect(page.status).toBe(200);
    expect(Buffer.from(page.bytes).toString()).toBe('<p>secret intranet page</p>');
    const followed = await safeFetch(`http://feeds.intranet:${port}/to-same-host`, opts);
    expect(followed.url).toBe(`http://feeds.intranet:${port}/article.html`);
  });

  it('refuses a name resolving to 127.0.0.1 or 169.254.x with private_address, at the first hop', async () => {
    hits.length = 0;
    await expect(safeFetch(`http://rebind.example:${port}/article.html`, opts)).rejects.toMatchObject({
      code: 'private_address',
      message: 'rebind.example resolves to a private or loopback address (127.0.0.1); refused',
    });
    await expect(safeFetch(`http://metadata.example:${port}/latest/meta-data/`, opts)).rejects.toMatchObject({
      code: 'private_address',
      message: 'metadata.example resolves to a private or loopback address (169.254.169.254); refused',
    });
    await expect(safeFetch(`http://mapped.example:${port}/article.html`, opts)).rejects.toMatchObject({ code: 'private_address' });
    expect(hits).toEqual([]);
  });

  it.each([
    ['a name resolving to loopback', '/to-rebind', /^rebind\.example resolves to a private or loopback address \(127\.0\.0\.1\)/],
    ['a name resolving to link-local', '/to-metadata', /^metadata\.example resolves to a private or loopback address \(169\.254\.169\.254\)/],
    ['a literal loopback address', '/to-literal', /^127\.0\.0\.1 is a private or loopback address/],
    ['a decimal IP (2130706433)', '/to-decimal', /^127\.0\.0\.1 is a private or loopback address/],
    ['an IPv4-mapped IPv6 address', '/to-mapped', /^::ffff:7f00:1 is a private or loopback address/],
    ['a literal link-local address', '/to-link-local', /^169\.254\.169\.254 is a private or loopback address/],
  ])('refuses a redirect from an allowed host to %s', async (_what, path, reason) => {
    hits.length = 0;
    const err = await safeFetch(`http://feeds.intranet:${port}${path}`, opts).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'private_address', message: expect.stringMatching(reason) });
    // Only the allowed host's redirect was served; the private target never saw a request.
    expect(hits).toEqual([`feeds.intranet:${port}${path}`]);
  });

  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://[::ffff:a9fe:a9fe]/', '::ffff:a9fe:a9fe'],
    ['http://[::1]/', '::1'],
    ['http://[fe80::1]/', 'fe80::1'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://10.0.0.1/', '10.0.0.1'],
    ['http://192.168.1.1/', '192.168.1.1'],
    ['http://100.64.0.1/', '100.64.0.1'],
    ['http://0.0.0.0/', '0.0.0.0'],
  ])('refuses %s as a literal private address', async (url, shown) => {
    await expect(safeFetch(url, { timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'private_address',
      message: `${shown} is a private or loopback address; refused`,
    });
  });
});
