import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../../src/db/database.js';
import { freePort, type RunningService, runToEnd, setUpCommunity, startService } from '../../helpers/service.js';
import { payloads, postEvent, postInteraction, postSlashCommand, SlackStandIn, urlVerification } from '../../stand-ins/slack.js';

// The whole path as an operator runs it with Slack: `yishi` sets a community up, `npm start`'s entry point serves
// Slack's request URLs and posts through the real @slack/web-api client to a local stand-in of the Web API, and
// residents' slash commands, button taps and events arrive as real signed HTTP requests.

describe('Slack, end to end through npm start', () => {
  const api = new SlackStandIn();
  const alice = payloads.user({ name: 'alice', real_name: 'Alice' });
  const bob = payloads.user({ name: 'wangfang', real_name: '王芳' });
  const dave = payloads.user({ name: 'dave', real_name: 'Dave', locale: 'en-US' });
  const channel = payloads.channel({ name: 'building-1' });
  let tmp: string;
  let env: Record<string, string>;
  let service: RunningService | undefined;
  let base: string;
  let codes: Record<string, string>;
  const command = (user: typeof alice, where: { id: string; name?: string }, text: string) =>
    postSlashCommand(`${base}/slack/commands`, api.signingSecret, payloads.slashCommand(user, where, '/yishi', text));

  beforeAll(async () => {
    await api.start();
    for (const user of [alice, bob, dave]) api.addUser(user);
    api.addChannel(channel);
    tmp = await mkdtemp(path.join(os.tmpdir(), 'yishi-slack-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      DATA_DIR: path.join(tmp, 'data'),
      SLACK_BOT_TOKEN: api.token,
      SLACK_SIGNING_SECRET: api.signingSecret,
      SLACK_API_URL: api.apiUrl,
      LOG_LEVEL: 'warn',
      PORT: String(port),
    };
    const community = await setUpCommunity(env, tmp, {
      slug: 'xingfu',
      name: '幸福社区',
      rows: ['1栋,101,88.50,张三', '1栋,102,120.25,李四'],
    });
    codes = { ...community.codes, link: await community.link('building', '1栋') };
    service = await startService(env);
    await service.waitUntilHealthy();
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await api.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('answers the request URL handshake', async () => {
    const handshake = await urlVerification(`${base}/slack/events`, api.signingSecret, 'challenge-123');
    expect(handshake.status).toBe(200);
    expect(JSON.parse(handshake.body)).toEqual({ challenge: 'challenge-123' });
  });

  it('refuses unsigned, mis-signed and stale requests with 401, and records nothing', async () => {
    const fields = payloads.slashCommand(alice, channel, '/yishi', `link ${codes.link}`);
    expect((await postSlashCommand(`${base}/slack/commands`, api.signingSecret, fields, { omitSignature: true })).status).toBe(401);
    expect((await postSlashCommand(`${base}/slack/commands`, api.signingSecret, fields, { forgeSignature: true })).status).toBe(401);
    expect((await postSlashCommand(`${base}/slack/commands`, api.signingSecret, fields, { staleBySeconds: 301 })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(api.messagesIn(channel.id)).toHaveLength(0);
  });

  it('links the channel and lets residents claim their households in the app’s DM', async () => {
    expect((await command(alice, channel, `link ${codes.link}`)).status).toBe(200);
    await api.waitFor(() => api.textsTo(channel.id).some((text) => text.includes('幸福社区')));
    await command(alice, payloads.dm(alice), `claim ${codes['101']}`);
    await command(bob, payloads.dm(bob), `claim ${codes['102']}`);
    await api.waitFor(() => [alice, bob].every((who) => api.textsTo(payloads.dm(who).id).some((text) => text.includes('1栋'))));
  });

  it('raises an issue with a support button, and counts a tap delivered twice once', async () => {
    await command(alice, channel, 'issue 电梯坏了，老人上下楼困难 <!channel>');
    await api.waitFor(() => api.messagesIn(channel.id).some((m) => JSON.stringify(m.blocks).includes('"value":"s:1"')));
    const card = api.messagesIn(channel.id).find((m) => JSON.stringify(m.blocks).includes('"value":"s:1"'))!;
    // What a resident typed cannot ping the channel.
    expect(JSON.stringify(card.blocks)).toContain('&lt;!channel&gt;');
    const tap = payloads.buttonTap(bob, channel, card.ts, { action_id: 's:1', value: 's:1' });
    expect((await postInteraction(`${base}/slack/interactions`, api.signingSecret, tap)).status).toBe(200);
    expect((await postInteraction(`${base}/slack/interactions`, api.signingSecret, tap)).status).toBe(200);
    // Bob alone is thanked; the card in the channel is edited with the count.
    await api.waitFor(() => api.ephemeralsTo(bob.id).some((m) => m.text.includes('感谢您附议 #1')));
    await api.waitFor(() => api.callsOf('chat.update').some((call) => JSON.stringify(call.payload).includes('已附议：2 户')));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(api.ephemeralsTo(bob.id).filter((m) => m.text.includes('感谢您附议'))).toHaveLength(1);
    expect(api.textsTo(channel.id).filter((text) => text.includes('感谢您附议'))).toHaveLength(0);
  });

  it('answers a member in their Slack language until they choose one with /yishi lang', async () => {
    await command(dave, channel, 'support 98');
    await api.waitFor(() => api.ephemeralsTo(dave.id).some((m) => m.text.includes('#98')));
    expect(api.ephemeralsTo(dave.id).find((m) => m.text.includes('#98'))!.text).toMatch(/[A-Za-z]{4}/);
    expect(api.ephemeralsTo(dave.id).find((m) => m.text.includes('#98'))!.text).not.toMatch(/[\u4e00-\u9fff]/);
    await command(dave, channel, 'lang zh');
    await command(dave, channel, 'support 97');
    await api.waitFor(() => api.ephemeralsTo(dave.id).some((m) => m.text.includes('#97')));
    expect(api.ephemeralsTo(dave.id).find((m) => m.text.includes('#97'))!.text).toMatch(/[\u4e00-\u9fff]/);
  });

  it('shows a refusal to the one who typed, not to the channel', async () => {
    const before = api.messagesIn(channel.id).length;
    await command(bob, channel, 'support 99');
    await api.waitFor(() => api.ephemeralsTo(bob.id).some((m) => m.text.includes('#99')));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(api.messagesIn(channel.id)).toHaveLength(before);
  });

  it('opens the poll modal for `/yishi poll`, and hands its submission to the engine as the poll command', async () => {
    expect((await command(alice, channel, 'poll')).status).toBe(200);
    await api.waitFor(() => api.callsOf('views.open').length > 0);
    const view = api.callsOf('views.open')[0]!.payload.view as { callback_id: string; private_metadata: string };
    const submission = payloads.viewSubmission(alice, {
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      values: {
        question: { question: { type: 'plain_text_input', value: '周末活动去哪里？' } },
        options: { options: { type: 'plain_text_input', value: '公园\n博物馆' } },
        hours: { hours: { type: 'number_input', value: '48' } },
        flags: { flags: { type: 'checkboxes', selected_options: [{ value: 'secret' }] } },
      },
    });
    expect((await postInteraction(`${base}/slack/interactions`, api.signingSecret, submission)).status).toBe(200);
    // A resident may not open a poll: the rules answer her, and her alone, as they would answer `/yishi poll ...`.
    await api.waitFor(() => api.ephemeralsTo(alice.id).some((m) => /楼长|居委会/.test(m.text)));
  });

  it('edits a poll’s live counts into its message with chat.update, once the committee opens one', async () => {
    await service!.stop();
    const grant = await runToEnd(env, ['role', 'grant', 'xingfu', 'committee', `slack:${alice.id}`]);
    expect(grant.code).toBe(0);
    service = await startService(env);
    await service.waitUntilHealthy();
    await command(alice, channel, 'poll 周末活动去哪里？ | 公园 | 博物馆');
    await api.waitFor(() => api.messagesIn(channel.id).some((m) => JSON.stringify(m.blocks).includes('"value":"v:1:0"')));
    const poll = api.messagesIn(channel.id).find((m) => JSON.stringify(m.blocks).includes('"value":"v:1:0"'))!;
    const tap = payloads.buttonTap(bob, channel, poll.ts, { action_id: 'v:1:0', value: 'v:1:0' });
    expect((await postInteraction(`${base}/slack/interactions`, api.signingSecret, tap)).status).toBe(200);
    await api.waitFor(() => api.callsOf('chat.update').some((call) => call.payload.ts === poll.ts));
    expect(api.message(channel.id, poll.ts)!.versions.length).toBeGreaterThan(0);
  });

  it('opens an owners’ vote from its modal, by the same rules as the typed command', async () => {
    const opened = api.callsOf('views.open').length;
    await command(alice, channel, 'ownersvote');
    await api.waitFor(() => api.callsOf('views.open').length > opened);
    const view = api.callsOf('views.open').at(-1)!.payload.view as { callback_id: string; private_metadata: string };
    const submission = payloads.viewSubmission(alice, {
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      values: {
        matter: { matter: { type: 'static_select', selected_option: { value: 'major' } } },
        question: { question: { type: 'plain_text_input', value: '使用维修资金更换电梯' } },
        hours: { hours: { type: 'number_input', value: null } },
      },
    });
    expect((await postInteraction(`${base}/slack/interactions`, api.signingSecret, submission)).status).toBe(200);
    await api.waitFor(() => api.messagesIn(channel.id).some((m) => JSON.stringify(m.blocks).includes('"value":"v:2:0"')));
    expect(api.textsTo(channel.id).some((text) => text.includes('使用维修资金更换电梯'))).toBe(true);
  });

  it('publishes a member’s App Home: their open issues, their household’s open votes, and for the committee the digest', async () => {
    await postEvent(`${base}/slack/events`, api.signingSecret, payloads.appHomeOpened(alice));
    await api.waitFor(() => api.homeOf(alice.id) !== undefined);
    const home = JSON.stringify(api.homeOf(alice.id));
    expect(home).toContain('电梯坏了');
    expect(home).toContain('周末活动去哪里');
    expect(home).toContain('幸福社区');
  });

  it('takes an event once however often Slack retries it', async () => {
    const joined = payloads.memberJoinedChannel({ id: api.botUserId, name: 'yishi' }, channel);
    const first = await postEvent(`${base}/slack/events`, api.signingSecret, joined);
    const retry = await postEvent(`${base}/slack/events`, api.signingSecret, joined, { eventId: first.eventId, retryNum: 1 });
    expect([first.status, retry.status]).toEqual([200, 200]);
  });

  it('rides out a 429: the reply comes once, after Retry-After, and no channel gets two messages within a second', async () => {
    const before = api.messagesIn(channel.id).length;
    api.rateLimit('chat.postMessage', 2, 1);
    await command(alice, channel, 'issues');
    await api.waitFor(() => api.messagesIn(channel.id).length > before, 15_000);
    expect(api.textsTo(channel.id).at(-1)).toContain('电梯坏了');
    expect(api.callsOf('chat.postMessage').filter((call) => call.status === 429)).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(api.messagesIn(channel.id)).toHaveLength(before + 1);
    expect(api.violations).toEqual([]);
  });

  it('recorded every request once and sent every notice', async () => {
    await service!.stop();
    service = undefined;
    const db = await openPglite({ dataDir: env.DATA_DIR! });
    try {
      const inbox = await db.prisma.inboxEvent.findMany({ where: { platform: 'slack' } });
      expect(new Set(inbox.map((row) => row.eventId)).size).toBe(inbox.length);
      expect(inbox.filter((row) => row.eventId.includes(':event:'))).toHaveLength(2);
      expect(inbox.every((row) => row.state === 'done')).toBe(true);
      expect(await db.prisma.outboxNotice.count({ where: { state: { not: 'sent' } } })).toBe(0);
    } finally {
      await db.close();
    }
  });
});
