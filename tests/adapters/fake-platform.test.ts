import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/adapters/shared/parse-command.js';
import { type AdapterPlugin, type ChatAdapter, configured } from '../../src/adapters/shared/port.js';
import type { OutgoingNotice } from '../../src/delivery/delivery.js';
import type { EngineCommand } from '../../src/engine/commands.js';
import { createI18n } from '../../src/i18n/index.js';
import { startService } from '../../src/main.js';

// A platform is a plug-in: this one lives entirely in this file (its "folder") and is handed to the composition root
// as its one registration line. Nothing else of yishi knows about it, yet a message it receives reaches the engine
// through the inbox and the engine's answer comes back through the delivery loop to its sender.

type FakeSettings = { name: string };
type FakeAdapter = ChatAdapter & { say(user: string, text: string): Promise<void> };

function fakePlatform() {
  const sent: OutgoingNotice[] = [];
  let nextEvent = 1;
  const plugin: AdapterPlugin<FakeSettings, FakeAdapter> = {
    platform: 'slack',
    routes(http, settings, current) {
      http.get(`/${settings.name}/ready`, async () => ({ ready: current() !== null }));
    },
    async create(_settings, deps) {
      return {
        platform: 'slack',
        translate: (payload) => {
          const event = payload as { id: string; user: string; text: string };
          const action = parseCommand(event.text);
          return action
            ? ({
                eventId: event.id,
                actor: { platform: 'slack', platformUserId: event.user, displayName: event.user },
                chat: { platform: 'slack', platformChatId: `dm-${event.user}`, kind: 'private' },
                action,
              } satisfies EngineCommand)
            : null;
        },
        outbound: {
          platform: 'slack',
          async send(notice) {
            sent.push(notice);
            return { messageId: String(sent.length) };
          },
        },
        async say(user, text) {
          const id = `fake-${nextEvent++}`;
          await deps.record([{ eventId: id, payload: { id, user, text } }]);
        },
        start: async () => {},
        stop: async () => {},
        readyMessage: () => 'fake platform ready',
      };
    },
  };
  return { plugin, sent };
}

describe('a fourth platform', () => {
  it('needs only its own code and one registration line to talk to the engine', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'yishi-fake-'));
    const fake = fakePlatform();
    let adapter: FakeAdapter | undefined;
    const plugin: AdapterPlugin<FakeSettings, FakeAdapter> = {
      ...fake.plugin,
      create: async (settings, deps) => {
        adapter = await fake.plugin.create(settings, deps);
        return adapter;
      },
    };
    const service = await startService(
      {
        database: { kind: 'pglite', dataDir: path.join(tmp, 'data') },
        http: { host: '127.0.0.1', port: 0 },
        log: { level: 'silent', format: 'json' },
        shutdownTimeoutMs: 10_000,
      },
      pino({ level: 'silent' }),
      createI18n(),
      { platforms: configured(plugin, { name: 'fake' }) },
    );
    try {
      const ready = await fetch(`http://127.0.0.1:${service.address.port}/fake/ready`);
      expect(await ready.json()).toEqual({ ready: true });
      await adapter!.say('u1', '/start');
      await adapter!.say('u1', 'just chatting');
      const deadline = Date.now() + 15_000;
      while (fake.sent.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fake.sent).toHaveLength(1);
      expect(fake.sent[0]).toMatchObject({ type: 'member.welcomed', chat: { platformChatId: 'dm-u1', kind: 'private' } });
    } finally {
      await service.stop();
      await rm(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});
