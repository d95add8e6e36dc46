import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { renderText, type Adapter, type CommandEvent, type Core, type Message, type PostResult } from '../../src/index.js';

export interface ConsoleAdapterOptions {
  input: Readable;
  output: Writable;
  /** Shown before each line is read; empty when stdin is not a terminal. */
  prompt?: string;
}

const COMMAND = /^\/(brief|ask|briefbot|help)\b\s*(.*)$/i;

/**
 * The console: a line starting with /brief, /ask, /briefbot or /help is that
 * command; any other line is a direct message. End of input stops reading but
 * never stops the bot (under systemd or Docker stdin is closed from the start).
 */
export function createConsoleAdapter(options: ConsoleAdapterOptions): Adapter & { idle(): Promise<void> } {
  let rl: ReturnType<typeof createInterface> | undefined;
  let pending = Promise.resolve();
  let posted = 0;
  const write = (text: string) => options.output.write(`${text}\n`);
  // One console session is one conversation: follow-up questions refer to its last answer.
  const conversation = `console:${randomUUID()}`;

  const toEvent = (line: string): CommandEvent => {
    const m = COMMAND.exec(line);
    const base = { platform: 'console', user: 'console', channel: 'console', isDirect: !m, target: 'console', userTarget: 'console', canManageChannel: true, conversation };
    if (!m) return { ...base, command: 'message', text: line };
    const name = m[1].toLowerCase();
    if (name === 'help') return { ...base, command: 'briefbot', text: 'help' };
    return { ...base, command: name as CommandEvent['command'], text: m[2] };
  };

  return {
    platform: 'console',
    async start(core: Core) {
      rl = createInterface({ input: options.input, terminal: false });
      const prompt = () => options.prompt && options.output.write(options.prompt);
      prompt();
      rl.on('line', (raw) => {
        const line = raw.trim();
        if (!line) return prompt();
        // One line at a time, in order, so answers never interleave.
        pending = pending.then(async () => {
          const reply = await core.handle(toEvent(line));
          write(renderText(reply.message));
          prompt();
        });
      });
      rl.on('close', () => {
        rl = undefined;
      });
    },
    async post(_target: string, msg: Message): Promise<PostResult> {
      write(renderText(msg));
      return { ids: [`console-${++posted}`] };
    },
    async stop() {
      rl?.close();
      await pending;
    },
    isConnected: () => true,
    idle: () => pending,
  };
}
