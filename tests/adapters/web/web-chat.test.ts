import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config.js';
import type { LocalChatMessage } from '../../../src/delivery/local-transcript.js';
import { createI18n } from '../../../src/i18n/index.js';
import { type Service, startService } from '../../../src/main.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../../helpers/database.js';

// The local web chat through yishi's real composition (startService in this process, its HTTP server, the inbox,
// engine, delivery and the web adapter), on both databases: the demo community, typing and tapping, duplicates,
// bad input, and the live stream resuming without loss.

type World = { demo: boolean; personas: Array<{ id: string; roles: string[] }>; chats: Array<{ id: string; title: string }> };

function serviceConfig(database: Config['database'], host = '127.0.0.1'): Config {
  return {
    database,
    http: { host, port: 0 },
    log: { level: 'silent', format: 'json' },
    shutdownTimeoutMs: 10_000,
    webChat: { demo: true },
  };
}

describeEachDatabase('the local web chat', (kind) => {
  let db: TestDatabase | undefined;
  let tmp: string;
  let service: Service;
  let base: string;
  let clientId = 0;

  const get = async <T>(url: string) => {
    const response = await fetch(`${base}${url}`);
    return { status: response.status, body: (await response.json()) as T };
  };
  const post = async <T>(url: string, body: unknown) => {
    const response = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const messages = async (chat: string, persona: string, after = 0) =>
    (await get<{ messages: LocalChatMessage[] }>(`/webchat/api/chats/${chat}/messages?persona=${persona}&after=${after}`)).body.messages;
  const say = (persona: string, chat: string, text: string, clientMessageId = `c${++clientId}`) =>
    post<{ accepted: boolean; duplicate: boolean }>(`/webchat/api/chats/${chat}/messages`, { persona, text, clientMessageId });
  const until = async <T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  /** Waits until the bot has nothing more to say in `chat` (no new or edited message for a second). */
  const settled = async (chat: string, persona: string) => {
    let last = -1;
    for (;;) {
      const seq = (await messages(chat, persona)).reduce((max, m) => Math.max(max, m.seq), 0);
      if (seq === last) return;
      last = seq;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  };
  const botSays = (chat: string, persona: string, pattern: RegExp, after = 0) =>
    until(async () => (await messages(chat, persona, after)).find((m) => m.author === null && pattern.test(m.text)));

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'yishi-web-'));
    let database: Config['database'];
    if (kind === 'postgresql') {
      db = await openTestDatabase('postgresql');
      database = { kind: 'postgresql', url: db.url!, poolSize: 5, acquireTimeoutMs: 10_000 };
    } else database = { kind: 'pglite', dataDir: path.join(tmp, 'data') };
    service = await startService(serviceConfig(database), pino({ level: 'silent' }), createI18n());
    base = `http://127.0.0.1:${service.address.port}`;
    await until(async () => (await get<World>('/webchat/api/world')).status === 200);
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await db?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  describe('on first start', () => {
    it('seeds the demo community: personas with their roles, group chats, an open issue and an open poll', async () => {
      const { body: world } = await get<World>('/webchat/api/world');
      expect(world.demo).toBe(true);
      expect(world.personas.map((p) => p.id).sort()).toEqual(['anna', 'committee', 'head1', 'li', 'property', 'wang', 'zhang', 'zhao']);
      expect(world.personas.find((p) => p.id === 'head1')?.roles).toEqual(expect.arrayContaining(['building_head', 'resident']));
      expect(world.chats.map((c) => c.id).sort()).toEqual(['demo-b1', 'demo-b2', 'demo-committee', 'demo-community', 'demo-property']);
      await botSays('demo-b1', 'zhang', /#1/);
      await botSays('demo-b1', 'zhang', /声控灯/);
    });

    it('serves the page at / and its files, and nothing else from its folder', async () => {
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect((await fetch(`${base}/webchat/..%2f..%2fpackage.json`)).status).toBe(404);
    });
  });

  describe('when a resident types a command', () => {
    it('answers in the chat, and a repeated post with the same client id is handled once', async () => {
      const before = (await messages('demo-b1', 'wang')).length;
      const first = await say('wang', 'demo-b1', '/support 1', 'dup-1');
      const again = await say('wang', 'demo-b1', '/support 1', 'dup-1');
      expect(first).toEqual({ status: 202, body: { accepted: true, duplicate: false } });
      expect(again).toEqual({ status: 202, body: { accepted: true, duplicate: true } });
      await botSays('demo-b1', 'wang', /附议|support/i);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const after = await messages('demo-b1', 'wang');
      const typed = after.filter((m) => m.author?.personaId === 'wang' && m.text === '/support 1');
      expect(typed).toHaveLength(1);
      expect(after.length - before).toBe(2);
    });

    it('keeps whatever was typed as text, with characters the database refuses replaced', async () => {
      await say('zhao', 'dm-zhao', '<script>alert(1)</script>\u0000 hi');
      const mine = await until(async () => (await messages('dm-zhao', 'zhao')).find((m) => m.author?.personaId === 'zhao'));
      expect(mine.text).toBe('<script>alert(1)</script>\uFFFD hi');
    });
  });

  describe('when a resident taps a button', () => {
    it('handles the tap like Telegram does', async () => {
      const card = await botSays('demo-b1', 'li', /已提出 #1/);
      const support = card.buttons[0]!;
      const tap = await post(`/webchat/api/chats/demo-b1/taps`, {
        persona: 'li',
        messageId: card.id,
        buttonId: support.id,
        clientTapId: 'tap-li-1',
      });
      expect(tap.status).toBe(202);
      // Li alone sees the thanks; the others see the card's count go up.
      const thanks = await botSays('demo-b1', 'li', /感谢您附议 #1/);
      expect(thanks.visibleTo).toBe('li');
      expect((await messages('demo-b1', 'wang')).some((m) => m.id === thanks.id)).toBe(false);
      await botSays('demo-b1', 'wang', /已附议：3 户/);
    });
  });

  describe('when the committee runs a joint meeting', () => {
    it('schedules it, locks the agenda, takes the property manager’s RSVP tap, and reports the decision back', async () => {
      // Tomorrow at 19:30 in Shanghai: always in the future and inside the 48-hour notice period.
      const tomorrow = DateTime.now().setZone('Asia/Shanghai').plus({ days: 1 }).toFormat('yyyy-MM-dd');
      await say('committee', 'demo-committee', `/meeting ${tomorrow} 19:30 社区会议室`);
      await botSays('demo-property', 'property', /社区会议室/);
      await say('committee', 'demo-committee', '/agenda add 1');
      await say('committee', 'demo-committee', '/agenda lock');
      const notice = await until(async () =>
        (await messages('demo-property', 'property')).find((m) => m.buttons.some((button) => button.id === 'm:1:0')),
      );
      const seen = (await messages('demo-committee', 'committee')).reduce((max, m) => Math.max(max, m.seq), 0);
      const tap = await post('/webchat/api/chats/demo-property/taps', {
        persona: 'property',
        messageId: notice.id,
        buttonId: 'm:1:0',
        clientTapId: 'tap-rsvp-1',
      });
      expect(tap.status).toBe(202);
      await botSays('demo-committee', 'committee', /物业将出席第 1 次联席会议/, seen);
      await say('committee', 'demo-committee', '/decide 1 物业本周内修好声控灯');
      await say('committee', 'demo-committee', '/minutes');
      const report = await botSays('demo-b1', 'zhang', /物业本周内修好声控灯/);
      expect(report.text).toContain('#1');
    });
  });

  describe('when the input is wrong', () => {
    it.each([
      [
        'an unknown persona',
        '/webchat/api/chats/demo-b1/messages',
        { persona: 'nobody', text: '/help', clientMessageId: 'x1' },
        404,
        'persona_unknown',
      ],
      [
        'an unknown chat',
        '/webchat/api/chats/nowhere/messages',
        { persona: 'zhang', text: '/help', clientMessageId: 'x2' },
        404,
        'chat_unknown',
      ],
      [
        'someone else’s private chat',
        '/webchat/api/chats/dm-wang/messages',
        { persona: 'zhang', text: '/help', clientMessageId: 'x3' },
        404,
        'chat_unknown',
      ],
      ['an empty text', '/webchat/api/chats/demo-b1/messages', { persona: 'zhang', text: '   ', clientMessageId: 'x4' }, 400, 'text_empty'],
      [
        'a text too long',
        '/webchat/api/chats/demo-b1/messages',
        { persona: 'zhang', text: 'x'.repeat(5000), clientMessageId: 'x5' },
        400,
        'text_too_long',
      ],
      ['no client id', '/webchat/api/chats/demo-b1/messages', { persona: 'zhang', text: '/help' }, 400, 'field_invalid'],
      [
        'a tap on an unknown message',
        '/webchat/api/chats/demo-b1/taps',
        { persona: 'zhang', messageId: 999_999, buttonId: 's:1', clientTapId: 't1' },
        404,
        'message_unknown',
      ],
      [
        'a tap with no message id',
        '/webchat/api/chats/demo-b1/taps',
        { persona: 'zhang', messageId: 'one', buttonId: 's:1', clientTapId: 't2' },
        400,
        'field_invalid',
      ],
    ])('refuses %s with a clear error and writes nothing', async (_name, url, body, status, code) => {
      await settled('demo-b1', 'zhang');
      const before = await get<{ messages: LocalChatMessage[] }>('/webchat/api/chats/demo-b1/messages?persona=zhang');
      const response = await post<{ error: string; message: string }>(url, body);
      expect(response.status).toBe(status);
      expect(response.body.error).toBe(code);
      expect(response.body.message.length).toBeGreaterThan(5);
      const after = await get<{ messages: LocalChatMessage[] }>('/webchat/api/chats/demo-b1/messages?persona=zhang');
      expect(after.body.messages.length).toBe(before.body.messages.length);
    });

    it('refuses a tap on a button the message does not have', async () => {
      const card = await botSays('demo-b1', 'zhang', /#1/);
      const response = await post<{ error: string }>('/webchat/api/chats/demo-b1/taps', {
        persona: 'zhang',
        messageId: card.id,
        buttonId: 'v:99:1',
        clientTapId: 't3',
      });
      expect(response).toMatchObject({ status: 400, body: { error: 'button_unknown' } });
    });
  });

  describe('when the page listens for new messages', () => {
    it('streams them, and a reconnect with the last id it saw resumes without loss or repeats', async () => {
      const last = (await messages('dm-anna', 'anna')).at(-1)?.seq ?? 0;
      const seen: LocalChatMessage[] = [];
      const listen = async (after: number, until: (m: LocalChatMessage[]) => boolean) => {
        const abort = new AbortController();
        const response = await fetch(`${base}/webchat/api/events?persona=anna&after=${after}`, { signal: abort.signal });
        const reader = response.body!.getReader();
        let buffer = '';
        try {
          while (!until(seen)) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += new TextDecoder().decode(value);
            for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
              const event = buffer.slice(0, cut);
              buffer = buffer.slice(cut + 2);
              const data = /^data: (.*)$/m.exec(event)?.[1];
              if (data) seen.push(JSON.parse(data) as LocalChatMessage);
            }
          }
        } finally {
          abort.abort();
        }
      };
      const first = listen(last, (m) => m.some((x) => x.author === null && x.chatId === 'dm-anna' && /help|命令|command/i.test(x.text)));
      await say('anna', 'dm-anna', '/help');
      await first;
      const resumeFrom = seen.at(-1)!.seq;
      await say('anna', 'dm-anna', '/mydata');
      await listen(resumeFrom, (m) => m.some((x) => x.author?.personaId === 'anna' && x.text === '/mydata'));
      const ids = seen.map((m) => `${m.id}@${m.seq}`);
      expect(new Set(ids).size).toBe(ids.length);
      expect(seen.every((m) => m.chatId === 'dm-anna' || !m.chatId.startsWith('dm-'))).toBe(true);
    });
  });
});

describe('the local web chat on an address others can reach', () => {
  it('is not served, with one line saying why, while the rest of yishi runs', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'yishi-web-'));
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const service = await startService(serviceConfig({ kind: 'pglite', dataDir: path.join(tmp, 'data') }, '0.0.0.0'), logger, createI18n());
    try {
      const base = `http://127.0.0.1:${service.address.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/`)).status).toBe(404);
      expect(lines.join('\n')).toContain('HOST=0.0.0.0');
    } finally {
      await service.stop();
      await rm(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});
