import { describe, expect, it } from 'vitest';
import { slackManifest } from '../../../src/adapters/slack/manifest.js';
import { runToEnd } from '../../helpers/service.js';

const texts = { description: 'yishi', command: 'every chat command' };

describe('the Slack app manifest', () => {
  it('points the command, events and buttons at yishi’s request URLs, Socket Mode off', () => {
    const manifest = JSON.stringify(slackManifest('https://bot.example.org/', texts));
    for (const path of ['/slack/commands', '/slack/events', '/slack/interactions'])
      expect(manifest).toContain(`https://bot.example.org${path}`);
    expect(manifest).toContain('"socket_mode_enabled":false');
  });

  it('for Socket Mode, has no URL at all and turns it on', () => {
    const manifest = JSON.stringify(slackManifest(null, texts));
    expect(manifest).not.toMatch(/"(url|request_url)"/);
    expect(manifest).toContain('"socket_mode_enabled":true');
    expect(manifest).toContain('"command":"/yishi"');
  });

  it('is printed by `yishi slack manifest --socket-mode`, and a URL is refused beside it', async () => {
    const printed = await runToEnd({}, ['slack', 'manifest', '--socket-mode']);
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout).settings.socket_mode_enabled).toBe(true);
    expect((await runToEnd({}, ['slack', 'manifest', 'https://bot.example.org', '--socket-mode'])).code).not.toBe(0);
    expect((await runToEnd({}, ['slack', 'manifest'])).code).not.toBe(0);
  }, 60_000);
});
