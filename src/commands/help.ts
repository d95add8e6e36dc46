import type { Reply } from '../adapter.js';
import { message } from '../messages/message.js';

export function handleHelp(briefNames: string[]): Reply {
  return {
    message: message(
      [
        {
          type: 'bullets',
          items: [
            '/brief [topic] — the last 24 hours of news, optionally about one topic',
            '/ask <question> — the sentence that answers it, with its source',
            '/briefbot subscribe <brief> — post a scheduled brief here (in a DM: to you)',
            '/briefbot unsubscribe <brief> · /briefbot list · /briefbot sources · /briefbot help',
            'In a direct message: write a question, or "brief", "brief <topic>", "subscribe <brief>"',
          ],
        },
        { type: 'context', text: briefNames.length ? `Briefs: ${briefNames.join(', ')}` : 'No scheduled briefs are defined yet.' },
      ],
      'briefbot',
    ),
    ephemeral: true,
  };
}
