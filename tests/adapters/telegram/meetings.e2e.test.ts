import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningService, runToEnd, setUpCommunity, startService, yishi } from '../../helpers/service.js';
import { TelegramStandIn, updates } from '../../stand-ins/telegram.js';

// A four-party joint meeting run through `npm start`'s entry point and the real telegraf client against the Bot API
// stand-in: an issue raised in a building's group, taken onto the agenda, the notice and an RSVP tapped in the
// property manager's group, a decision with a position tapped, an action item, the minutes, and the report back in
// the building's group.

const resident = { id: 31, first_name: '张三' };
const chair = { id: 32, first_name: '刘主任' };
const manager = { id: 33, first_name: '物业小王' };
const building = { id: -2001, type: 'supergroup' as const, title: '1栋业主群' };
const committee = { id: -2002, type: 'supergroup' as const, title: '居委会' };
const party = { id: -2003, type: 'supergroup' as const, title: '物业服务群' };
const dm = (user: { id: number }) => ({ id: user.id, type: 'private' as const });

describe('a joint meeting on Telegram, end to end through npm start', () => {
  const api = new TelegramStandIn();
  let tmp: string;
  let env: Record<string, string>;
  let service: RunningService | undefined;
  const sentTo = (chat: { id: number }) => api.sent.filter((m) => m.chatId === String(chat.id));
  const buttonsOf = (message: { payload: { reply_markup?: unknown } }) => JSON.stringify(message.payload.reply_markup ?? {});

  beforeAll(async () => {
    await api.start();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'yishi-meeting-'));
    env = {
      DATA_DIR: path.join(tmp, 'data'),
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.apiRoot,
      LOG_LEVEL: 'warn',
      PORT: String(await freePort()),
    };
    const { codes, link } = await setUpCommunity(env, tmp, { slug: 'xingfu', name: '幸福社区', rows: ['1栋,101,88.50,张三'] });
    await yishi(env, 'party', 'add', 'xingfu', 'property_manager', '物业');
    const claim = codes['101']!;
    const links = { building: await link('building', '1栋'), committee: await link('committee'), party: await link('party', '物业') };

    service = await startService(env);
    await service.waitUntilHealthy();
    api.push(updates.text(resident, building, `/link ${links.building}`));
    api.push(updates.text(chair, committee, `/link ${links.committee}`));
    api.push(updates.text(manager, party, `/link ${links.party}`));
    api.push(updates.text(resident, dm(resident), `/claim ${claim}`));
    api.push(updates.text(chair, dm(chair), '/start'));
    api.push(updates.text(manager, dm(manager), '/start'));
    await api.waitFor(() => [building, committee, party, resident, chair, manager].every((chat) => sentTo(chat).length > 0));
    await service.stop();
    await yishi(env, 'role', 'grant', 'xingfu', 'committee', `telegram:${chair.id}`);
    await yishi(env, 'role', 'grant', 'xingfu', 'party_member', `telegram:${manager.id}`, '--party', '物业');
    service = await startService(env);
    await service.waitUntilHealthy();
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await api.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('takes an issue through the agenda, the notice and RSVP, a decision, an action item and the minutes', async () => {
    api.push(updates.text(resident, building, '/issue 电梯坏了，老人上下楼困难'));
    await api.waitFor(() => sentTo(building).some((m) => m.text.includes('#1')));

    // Tomorrow at 19:30 in Shanghai: always in the future and inside the 48-hour notice period.
    const tomorrow = DateTime.now().setZone('Asia/Shanghai').plus({ days: 1 }).toFormat('yyyy-MM-dd');
    api.push(updates.text(chair, committee, `/meeting ${tomorrow} 19:30 社区会议室`));
    await api.waitFor(() => sentTo(party).some((m) => m.text.includes('社区会议室')));
    api.push(updates.text(chair, committee, '/agenda add 1'));
    api.push(updates.text(chair, committee, '/agenda lock'));
    await api.waitFor(() => sentTo(party).some((m) => buttonsOf(m).includes('"callback_data":"m:1:0"')));
    const notice = sentTo(party).find((m) => buttonsOf(m).includes('"callback_data":"m:1:0"'))!;
    expect(notice.text).toContain('电梯坏了');

    api.push(updates.tap(manager, party, 'm:1:0'));
    await api.waitFor(() => sentTo(committee).some((m) => m.text.includes('物业将出席第 1 次联席会议')));

    api.push(updates.text(chair, committee, '/decide 1 物业三天内修好电梯'));
    await api.waitFor(() => sentTo(party).some((m) => buttonsOf(m).includes('"callback_data":"p:1:1:0"')));
    api.push(updates.tap(manager, party, 'p:1:1:0'));
    await api.waitFor(() => sentTo(committee).some((m) => m.text.includes('物业同意第 1 次联席会议第 1 项')));
    api.push(updates.text(chair, committee, '/action 1 物业 3 更换电梯主板'));
    await api.waitFor(() => sentTo(party).some((m) => m.text.includes('更换电梯主板')));

    api.push(updates.text(chair, committee, '/minutes'));
    await api.waitFor(() => sentTo(building).some((m) => m.text.includes('物业三天内修好电梯')));
    await api.waitFor(() => sentTo(party).some((m) => m.text.includes('纪要')));
    const minutes = sentTo(party).find((m) => m.text.includes('纪要'))!;
    expect(minutes.text).toContain('物业三天内修好电梯');
    expect(minutes.text).toContain('更换电梯主板');
    const report = sentTo(building).find((m) => m.text.includes('物业三天内修好电梯'))!;
    expect(report.text).toContain('#1');
    expect(report.text).toContain('更换电梯主板');
  });

  it('answers a refused command where it was typed, in the member’s language', async () => {
    api.push(updates.text(resident, building, '/decide 1 不行'));
    const before = sentTo(building).length;
    await api.waitFor(() => sentTo(building).length > before);
    expect(sentTo(building).at(-1)!.text).toMatch(/居委会/);
    await service!.stop();
    service = undefined;
    const audit = await runToEnd(env, ['audit', 'verify', 'xingfu']);
    expect(audit.code).toBe(0);
    const exported = await runToEnd(env, ['minutes', 'export', 'xingfu', '1']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^# 幸福社区/);
    expect(exported.stdout).toContain('物业三天内修好电梯');
    const csv = await runToEnd(env, ['minutes', 'export', 'xingfu', '1', '--format', 'csv']);
    expect(csv.stdout.split('\n')[1]).toMatch(/^1,1,物业,更换电梯主板,\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  });
});
