import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../../src/db/database.js';
import { freePort, type RunningService, runToEnd, setUpCommunity, startService } from '../../helpers/service.js';
import { TelegramStandIn, updates } from '../../stand-ins/telegram.js';

// The whole path as operators run it: the `yishi` command sets a community up, `npm start`'s entry point runs the
// real telegraf client against a local stand-in of the Bot API, and residents' updates come in through getUpdates.

const alice = { id: 11, first_name: 'A<li>ce', language_code: 'zh-hans' };
const bob = { id: 12, first_name: '王芳' };
const carol = { id: 13, first_name: '李娜' };
const chair = { id: 20, first_name: '刘主任' };
const group = { id: -1001, type: 'supergroup' as const, title: '1栋业主群' };
const dm = (user: { id: number }) => ({ id: user.id, type: 'private' as const });

describe('Telegram, end to end through npm start', () => {
  const api = new TelegramStandIn();
  let tmp: string;
  let env: Record<string, string>;
  let service: RunningService | undefined;
  let codes: Record<string, string>;
  let linkCode: string;

  beforeAll(async () => {
    await api.start();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'yishi-telegram-'));
    env = { DATA_DIR: path.join(tmp, 'data'), TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot, LOG_LEVEL: 'warn' };
    const community = await setUpCommunity(env, tmp, {
      slug: 'xingfu',
      name: '幸福社区',
      rows: ['1栋,101,88.50,张三', '1栋,102,120.25,李四', '1栋,201,60.00,王五'],
    });
    codes = community.codes;
    linkCode = await community.link('building', '1栋');
    service = await startService(env);
    await service.waitUntilHealthy();
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await api.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('publishes its command menus in Chinese and English', () => {
    const menus = api.calls.filter((call) => call.method === 'setMyCommands');
    expect(menus.map((call) => call.payload.language_code)).toEqual(['zh', 'zh', 'en', 'en']);
    expect(JSON.stringify(menus[0]?.payload)).toContain('"command":"claim"');
  });

  it('links the group and lets residents claim their households in private chats', async () => {
    api.push(updates.text(chair, group, `/link ${linkCode}`));
    await api.waitFor(() => api.textsTo(group.id).some((text) => text.includes('本群已关联到幸福社区')));
    for (const [who, unit] of [
      [alice, '101'],
      [bob, '102'],
      [carol, '201'],
    ] as const)
      api.push(updates.text(who, dm(who), `/claim ${codes[unit]}`));
    await api.waitFor(() => [alice, bob, carol].every((who) => api.textsTo(who.id).some((text) => text.includes('已确认'))));
    expect(api.textsTo(alice.id).join('\n')).toContain('1栋101');
  });

  it('raises an issue and counts a tapped support once, however often Telegram delivers the tap', async () => {
    api.push(updates.text(alice, group, '/issue 电梯坏了，老人上下楼困难'));
    await api.waitFor(() => api.textsTo(group.id).some((text) => text.includes('#1')));
    const raised = api.sent.find((m) => m.chatId === String(group.id) && m.text.includes('已提出 #1'));
    expect(JSON.stringify(raised?.payload.reply_markup)).toContain('"callback_data":"s:1"');
    const tap = updates.tap(bob, group, 's:1');
    const updateId = api.push(tap);
    api.push(tap, updateId);
    api.push(tap, updateId);
    // The tapper alone is thanked, in the tap's own answer; the card in the group is edited with the count.
    await api.waitFor(() => api.answers.some((answer) => answer.id === tap.callback_query.id));
    await api.waitFor(() => api.sent.some((m) => m.method === 'editMessageText' && m.text.includes('已附议：2 户')));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const answers = api.answers.filter((answer) => answer.id === tap.callback_query.id);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.text).toContain('感谢您附议 #1');
    expect(api.textsTo(group.id).filter((text) => text.includes('感谢您附议'))).toHaveLength(0);
    const after = api.sent.slice(api.sent.indexOf(raised!) + 1).filter((m) => m.chatId === String(group.id));
    expect(after.map((m) => m.method)).toEqual(['editMessageText']);
  });

  it('escapes what residents typed, so a name like A<li>ce does not make Telegram refuse the message', async () => {
    api.push(updates.text(alice, dm(alice), '/mydata'));
    await api.waitFor(() => api.textsTo(alice.id).some((text) => text.includes('A&lt;li&gt;ce')));
  });

  it('rides out a 429 storm: the reply comes once, after the retry_after', async () => {
    api.rateLimit('sendMessage', 3, 1);
    const before = api.sent.length;
    const start = Date.now();
    api.push(updates.text(carol, group, '/support 1'));
    const acknowledged = (text: string) => text.includes('已收到附议') && text.includes('（3/');
    await api.waitFor(() => api.textsTo(group.id).some(acknowledged));
    expect(Date.now() - start).toBeGreaterThanOrEqual(1_000);
    expect(api.sent.slice(before).filter((m) => acknowledged(m.text))).toHaveLength(1);
  });

  it("keeps within Telegram's limits: a chat never gets more than one message a second, a group not more than 20 a minute", () => {
    const byChat = new Map<string, number[]>();
    for (const message of api.sent) byChat.set(message.chatId, [...(byChat.get(message.chatId) ?? []), message.at]);
    for (const [chatId, times] of byChat) {
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `chat ${chatId}`).toBeGreaterThanOrEqual(990);
      if (chatId.startsWith('-')) for (let i = 20; i < times.length; i++) expect(times[i]! - times[i - 20]!).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('runs an owners’ vote weighted by area to its verdict, across a restart', async () => {
    api.push(updates.text(chair, dm(chair), '/start'));
    await api.waitFor(() => api.textsTo(chair.id).length > 0);
    await service!.stop();
    const grant = await runToEnd(env, ['role', 'grant', 'xingfu', 'committee', `telegram:${chair.id}`]);
    expect(grant.code).toBe(0);
    service = await startService(env);
    await service.waitUntilHealthy();

    api.push(updates.text(chair, group, '/ownersvote ordinary 续聘物业公司'));
    await api.waitFor(() => api.textsTo(group.id).some((text) => text.includes('业主表决')));
    api.push(updates.tap(alice, group, 'v:1:0'));
    api.push(updates.tap(bob, group, 'v:1:0'));
    api.push(updates.tap(carol, group, 'v:1:1'));
    await api.waitFor(() =>
      [alice, bob, carol].every((who) => api.textsTo(who.id).some((text) => text.includes('业主表决中的投票已记录'))),
    );
    const opening = api.sent.find((m) => m.method === 'sendMessage' && m.text.includes('#1 号业主表决'))!;
    const openingId = api.sent.indexOf(opening) + 1;
    await api.waitFor(() => api.sent.some((m) => m.method === 'editMessageText' && m.text.includes('同意：2 户')));
    const live = api.sent.slice(api.sent.indexOf(opening)).filter((m) => m.method === 'editMessageText');
    expect(live.every((m) => m.payload.message_id === openingId)).toBe(true);
    expect(live.every((m) => !m.text.includes('王芳') && !m.text.includes('李娜'))).toBe(true);
    api.push(updates.text(chair, group, '/close 1'));
    await api.waitFor(() => api.textsTo(group.id).some((text) => text.includes('#1 号业主表决已结束')));
    const result = api.textsTo(group.id).find((text) => text.includes('#1 号业主表决已结束'))!;
    // 3 of 3 households, 268.75 m²; yes 208.75 m² (77.7%) and 2 households (66.7%): more than half of both.
    expect(result).toContain('参与表决：3 户中 3 户（100.0%），268.75 平方米中 268.75 平方米（100.0%）');
    expect(result).toContain('同意：2 户（66.7%），208.75 平方米（77.7%）');
    expect(result).toContain('表决结果：通过。');
  });

  it('sends, after a restart, a reply the engine committed before a crash', async () => {
    await service!.stop('SIGKILL');
    // What a crash between the engine's commit and the send leaves behind: a pending outbox row.
    const db = await openPglite({ dataDir: env.DATA_DIR! });
    try {
      const chat = await db.prisma.chat.findFirstOrThrow({ where: { platform: 'telegram', platformChatId: String(bob.id) } });
      await db.prisma.outboxNotice.create({
        data: { chatId: chat.id, type: 'issue.rated', locale: 'zh-CN', params: { number: 1, score: 5 } },
      });
    } finally {
      await db.close();
    }
    service = await startService(env);
    await service.waitUntilHealthy();
    await api.waitFor(() => api.textsTo(bob.id).some((text) => text.includes('您给 #1 号议题打了 5 分')));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(api.textsTo(bob.id).filter((text) => text.includes('您给 #1 号议题打了 5 分'))).toHaveLength(1);
  });

  it('confirmed every update it was given, and recorded each once', async () => {
    await service!.stop();
    service = undefined;
    const db = await openPglite({ dataDir: env.DATA_DIR! });
    try {
      const inbox = await db.prisma.inboxEvent.findMany({ where: { platform: 'telegram' } });
      expect(new Set(inbox.map((row) => row.eventId)).size).toBe(inbox.length);
      expect(inbox.every((row) => row.state === 'done')).toBe(true);
      expect(await db.prisma.outboxNotice.count({ where: { state: { not: 'sent' } } })).toBe(0);
    } finally {
      await db.close();
    }
  });
});

describe('Telegram webhook mode', () => {
  const api = new TelegramStandIn();
  let tmp: string;
  let service: RunningService | undefined;
  let port: number;

  beforeAll(async () => {
    await api.start();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'yishi-webhook-'));
    port = await freePort();
    service = await startService({
      DATA_DIR: path.join(tmp, 'data'),
      PORT: String(port),
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.apiRoot,
      TELEGRAM_WEBHOOK_URL: `https://yishi.example.org/telegram/hook`,
      TELEGRAM_WEBHOOK_SECRET: 'hook-secret_1-0123456789',
      LOG_LEVEL: 'warn',
    });
    await service.waitUntilHealthy();
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await api.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('registers the webhook with its secret', () => {
    expect(api.calls.find((call) => call.method === 'setWebhook')?.payload).toMatchObject({
      url: 'https://yishi.example.org/telegram/hook',
      secret_token: 'hook-secret_1-0123456789',
    });
  });

  it('refuses a request without the secret (401) and processes nothing; takes one with it', async () => {
    const post = (headers: Record<string, string>, update: unknown) =>
      fetch(`http://127.0.0.1:${port}/telegram/hook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(update),
      });
    const forged = await post({}, { update_id: 1, ...updates.text(alice, dm(alice), '/start') });
    expect(forged.status).toBe(401);
    const wrong = await post({ 'x-telegram-bot-api-secret-token': 'nope' }, { update_id: 2, ...updates.text(alice, dm(alice), '/start') });
    expect(wrong.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(api.textsTo(alice.id)).toEqual([]);
    const genuine = await post(
      { 'x-telegram-bot-api-secret-token': 'hook-secret_1-0123456789' },
      { update_id: 3, ...updates.text(alice, dm(alice), '/start') },
    );
    expect(genuine.status).toBe(200);
    await api.waitFor(() => api.textsTo(alice.id).some((text) => text.includes('议事')));
    const again = await post(
      { 'x-telegram-bot-api-secret-token': 'hook-secret_1-0123456789' },
      { update_id: 3, ...updates.text(alice, dm(alice), '/start') },
    );
    expect(again.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(api.textsTo(alice.id)).toHaveLength(1);
  });

  it('takes poison through the webhook too: U+0000, lone surrogates and deep nesting never stop the next update', async () => {
    const post = (body: string) =>
      fetch(`http://127.0.0.1:${port}/telegram/hook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'hook-secret_1-0123456789' },
        body,
      });
    const nul = { update_id: 10, ...updates.text({ id: 31, first_name: 'N\u0000ul' }, dm({ id: 31 }), '/start \u0000') };
    expect((await post(JSON.stringify(nul))).status).toBe(200);
    const lone = { update_id: 11, ...updates.text({ id: 32, first_name: '\uD800' }, dm({ id: 32 }), '/help') };
    expect((await post(JSON.stringify(lone))).status).toBe(200);
    const deep = `{"update_id":12,"message":${'{"reply_to_message":'.repeat(20_000)}{}${'}'.repeat(20_000)}}`;
    expect((await post(deep)).status).toBe(200);
    const next = { update_id: 13, ...updates.text(carol, dm(carol), '/start') };
    expect((await post(JSON.stringify(next))).status).toBe(200);
    await api.waitFor(() => [31, 32, carol.id].every((id) => api.textsTo(id).length > 0), 10_000);
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { inbox: { dead: number } };
    expect(health.inbox.dead).toBe(1);
  });
});
