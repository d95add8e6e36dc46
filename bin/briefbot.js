#!/usr/bin/env node
// Runs the TypeScript CLI directly (no build step), so a fresh clone works after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli.ts');
// The preview draws with the adapters' renderers; the core never imports them, so they come in from here.
await runCli(process.argv, { preview: async (input, opts) => (await import('./preview/index.ts')).renderPreview(input, opts) });
