import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, setUpCommunity, startService, yishi } from '../../helpers/service.js';
import { type SentMessage, TelegramStandIn, updates } from '../../stand-ins/telegram.js';

// A popular issue in a busy group, through npm start's entry point and the real telegraf client: a hundred neighbours
// tap Support, a hundred type /support. The group must hear milestones, not every supporter; every tap must still be
// answered, the card must show the database's count, and Telegram's limits for the group must hold throughout.

const residents = Array.from({ length: 200 }, (_, index) => ({ id: 1_000 + index, first_name: `邻居${index + 1}` }));
const chair = { id: 20, first_name: '刘主任' };
const group = { id: -1002, type: 'supergroup' as const, title: '1栋业主群' };
const dm = (user: { id: number }) => ({ id: user.id, type: 'private' as const });
const inGroup = (message: SentMessage) => message.chatId === String(group.id);

describe('a busy issue in one group, end to end through npm start', () => {
  const api = new TelegramStandIn();
  let tmp: string;
  let service: RunningService | undefined;

  beforeAll(async () => {
    await api.start();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'yishi-busy-'));
    const env = { DATA_DIR: path.join(tmp, 'data'), TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot, LOG_LEVEL: 'warn' };
    const units = residents.map((_, index) => `${Math.floor(index / 10) + 1}${String((index % 10) + 1).padStart(2, '0')}`);
    const { codes, link } = await setUpCommunity(env, tmp, {
      slug: 'busy',
      name: '繁忙社区',
      rows: units.map((unit) => `1栋,${unit},80.00,业主${unit}`),
    });
    await yishi(env, 'community', 'configure', 'busy', '--support-threshold', '60');
    const linkCode = await link('building', '1栋');
    service = await startService(env);
    await service.waitUntilHealthy();

    api.push(updates.text(chair, group, `/link ${linkCode}`));
    for (const [index, resident] of residents.entries()) api.push(updates.text(resident, dm(resident), `/claim ${codes[units[index]!]}`));
    await api.waitFor(() => residents.every((resident) => api.textsTo(resident.id).some((text) => text.includes('已确认'))), 60_000);
    api.push(updates.text(residents[0]!, group, '/issue 1栋电梯每天停运，老人上下楼困难'));
    api.push(updates.text(residents[0]!, group, '/issue 1栋楼道灯坏了一半，晚上看不清台阶'));
    await api.waitFor(() => api.textsTo(group.id).filter((text) => /已提出 #[12] 号议题/.test(text)).length === 2, 30_000);
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await api.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  /** The last text the card shows, edited in place. */
  const cardText = (number: number) => {
    const card = api.sent.find((m) => inGroup(m) && m.method === 'sendMessage' && m.text.includes(`已提出 #${number} 号议题`))!;
    const messageId = api.sent.indexOf(card) + 1;
    const edits = api.sent.filter((m) => inGroup(m) && m.method === 'editMessageText' && m.payload.message_id === messageId);
    return { posted: card, edits, current: (edits.at(-1) ?? card).text };
  };

  it('answers each of 100 taps to its tapper, edits the card a few times, and posts only the milestone to the group', async () => {
    const before = api.sent.length;
    const taps = residents.slice(1, 101).map((resident) => updates.tap(resident, group, 's:1'));
    for (const tap of taps) api.push(tap);
    await api.waitFor(() => taps.every((tap) => api.answers.some((answer) => answer.id === tap.callback_query.id)), 60_000);
    // 101 households back it: the raiser's and the hundred tappers'.
    await api.waitFor(() => cardText(1).current.includes('已附议：101 户'), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    for (const tap of taps) {
      const answers = api.answers.filter((answer) => answer.id === tap.callback_query.id);
      expect(answers).toHaveLength(1);
      expect(answers[0]!.text).toMatch(/感谢您附议 #1 号议题/);
    }
    const posted = api.sent.slice(before).filter((m) => inGroup(m) && m.method === 'sendMessage');
    expect(posted.map((m) => m.text.split('\n')[0])).toEqual([expect.stringContaining('#1 号议题已从“楼栋”上报到“居民小组”')]);
    const { edits } = cardText(1);
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.length).toBeLessThanOrEqual(20);
    expect(cardText(1).current).toContain('已附议：101 户，已达上报户数');
  }, 120_000);

  it('acknowledges 100 typed /support in a handful of merged messages, naming each supporter once', async () => {
    const before = api.sent.length;
    const typers = residents.slice(100, 200);
    for (const resident of typers) api.push(updates.text(resident, group, '/support 2'));
    const acknowledgements = () => api.sent.slice(before).filter((m) => inGroup(m) && m.text.startsWith('已收到附议'));
    const named = () => acknowledgements().flatMap((m) => m.text.split('\n').slice(1));
    await api.waitFor(() => named().length === typers.length, 90_000);
    await api.waitFor(() => cardText(2).current.includes('已附议：101 户'), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    expect(named()).toHaveLength(typers.length);
    for (const resident of typers) expect(named().filter((line) => line.includes(` ${resident.first_name}（`))).toHaveLength(1);
    expect(acknowledgements().length).toBeLessThanOrEqual(25);
    const posted = api.sent.slice(before).filter((m) => inGroup(m) && m.method === 'sendMessage');
    expect(posted.length).toBe(acknowledgements().length + 1); // and the milestone: #2 moved up
    expect(named().length / acknowledgements().length).toBeGreaterThan(3);
  }, 150_000);

  it("keeps Telegram's limits in the group throughout: one message a second, twenty a minute, edits included", () => {
    const times = api.sent.filter(inGroup).map((m) => m.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(990);
    for (let i = 20; i < times.length; i++) expect(times[i]! - times[i - 20]!).toBeGreaterThanOrEqual(60_000);
  });
});
