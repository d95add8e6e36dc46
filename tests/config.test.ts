import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('config', () => {
  it('runs on embedded defaults with no environment', () => {
    const cfg = loadConfig({});
    expect(cfg).toMatchObject({ dbPath: './data/briefbot.db', briefsDir: './briefs', console: 'auto', maxBytes: 5 * 1024 * 1024, allowPrivateUrls: false, catchUpGraceMs: 7_200_000 });
    expect(cfg.slack).toBeUndefined();
    expect(cfg.discord).toBeUndefined();
    expect(cfg.health).toBeUndefined();
  });

  it('lists every problem at once, by variable name', () => {
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', DISCORD_TOKEN: 't', HEALTH_PORT: 'abc', BRIEFBOT_CATCHUP_GRACE: 'soon' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^HEALTH_PORT: /m);
      expect(problems).toMatch(/^BRIEFBOT_CATCHUP_GRACE: "soon" is not a duration/m);
      expect(problems).toMatch(/^SLACK_SIGNING_SECRET: set SLACK_SIGNING_SECRET \(HTTP mode\) or SLACK_APP_TOKEN/m);
      expect(problems).toMatch(/^DISCORD_APPLICATION_ID: is required with DISCORD_TOKEN/m);
    }
  });

  it('maps platform settings', () => {
    const cfg = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '123', BRIEFBOT_ADMINS: 'slack:U1, discord:user:2', HEALTH_PORT: '9090' });
    expect(cfg.slack).toMatchObject({ botToken: 'xoxb-1', appToken: 'xapp-1', port: 3000 });
    expect(cfg.discord).toMatchObject({ token: 't', applicationId: '123' });
    expect(cfg.admins).toEqual(['slack:U1', 'discord:user:2']);
    expect(cfg.health).toEqual({ port: 9090, host: '127.0.0.1' });
  });
});
