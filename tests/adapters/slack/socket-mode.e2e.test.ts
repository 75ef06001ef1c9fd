import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningService, setUpCommunity, startService } from '../../helpers/service.js';
import { payloads, SlackStandIn } from '../../stand-ins/slack.js';

// Socket Mode through npm start's entry point: with SLACK_APP_TOKEN (and no signing secret, no public URL) yishi
// opens the WebSocket itself with apps.connections.open; Slack's envelopes come over it, are recorded, and only then
// acknowledged; an envelope sent again changes nothing twice.

describe('Slack over Socket Mode, end to end through npm start', () => {
  const api = new SlackStandIn();
  const alice = payloads.user({ name: 'alice', real_name: 'Alice' });
  const bob = payloads.user({ name: 'wangfang', real_name: '王芳' });
  const channel = payloads.channel({ name: 'building-1' });
  let tmp: string;
  let service: RunningService | undefined;
  let base: string;
  let codes: Record<string, string>;
  const command = (user: typeof alice, where: { id: string; name?: string }, text: string) =>
    api.sendEnvelope('slash_commands', payloads.slashCommand(user, where, '/yishi', text) as unknown as Record<string, unknown>);
  const acknowledged = (envelopeId: string) => api.socketAcks.filter((ack) => ack.envelopeId === envelopeId).length;

  beforeAll(async () => {
    await api.start();
    for (const user of [alice, bob]) api.addUser(user);
    api.addChannel(channel);
    tmp = await mkdtemp(path.join(os.tmpdir(), 'yishi-slack-socket-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = {
      DATA_DIR: path.join(tmp, 'data'),
      SLACK_BOT_TOKEN: api.token,
      SLACK_APP_TOKEN: api.appToken,
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
    await api.waitFor(() => api.socketConnected);
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await api.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('opens the connection with the app token and serves no request URLs', async () => {
    expect(api.callsOf('apps.connections.open')).not.toHaveLength(0);
    expect((await fetch(`${base}/slack/commands`, { method: 'POST', body: '' })).status).toBe(404);
  });

  it('takes commands over the socket, acknowledging each envelope once it is recorded', async () => {
    const link = command(alice, channel, `link ${codes.link}`);
    await api.waitFor(() => api.textsTo(channel.id).some((text) => text.includes('幸福社区')));
    expect(acknowledged(link)).toBe(1);
    command(alice, payloads.dm(alice), `claim ${codes['101']}`);
    command(bob, payloads.dm(bob), `claim ${codes['102']}`);
    await api.waitFor(() => [alice, bob].every((who) => api.textsTo(payloads.dm(who).id).some((text) => text.includes('1栋'))));
  });

  it('counts a tap Slack sends again (retry_attempt) once, and answers the tapper alone', async () => {
    command(alice, channel, 'issue 电梯坏了，老人上下楼困难');
    await api.waitFor(() => api.messagesIn(channel.id).some((m) => JSON.stringify(m.blocks).includes('"value":"s:1"')));
    const card = api.messagesIn(channel.id).find((m) => JSON.stringify(m.blocks).includes('"value":"s:1"'))!;
    const tap = payloads.buttonTap(bob, channel, card.ts, { action_id: 's:1', value: 's:1' });
    const envelope = api.sendEnvelope('interactive', tap);
    api.sendEnvelope('interactive', tap, { envelopeId: envelope, retryAttempt: 1 });
    await api.waitFor(() => api.ephemeralsTo(bob.id).some((m) => m.text.includes('感谢您附议 #1')));
    await api.waitFor(() => acknowledged(envelope) === 2);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(api.ephemeralsTo(bob.id).filter((m) => m.text.includes('感谢您附议'))).toHaveLength(1);
    expect(api.callsOf('chat.update').some((call) => JSON.stringify(call.payload).includes('已附议：2 户'))).toBe(true);
  });

  it('takes events too: the App Home tab, published when opened', async () => {
    const envelope = api.sendEnvelope('events_api', {
      type: 'event_callback',
      team_id: api.teamId,
      event_id: 'Ev0SOCKET01',
      event: payloads.appHomeOpened(alice),
    });
    await api.waitFor(() => api.homeOf(alice.id) !== undefined);
    expect(JSON.stringify(api.homeOf(alice.id))).toContain('#1');
    expect(acknowledged(envelope)).toBe(1);
  });
});
