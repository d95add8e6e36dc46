#!/usr/bin/env node
// Runs the TypeScript CLI directly (no build step), so a fresh clone works after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli.ts');
await runCli(process.argv);
