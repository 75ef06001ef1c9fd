import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { ErrorCode, type Logger, LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkBlocks,
  dmChannelId,
  payloads,
  postEvent,
  postInteraction,
  postSlashCommand,
  SlackStandIn,
  signSlackRequest,
  urlVerification,
} from '../../stand-ins/slack.js';

// A self-check of the Slack stand-in the adapter's end-to-end tests use: the real @slack/web-api WebClient (in
// node_modules) talks to it exactly as it talks to slack.com, so what passes here is what the adapter will meet.

// Slack's refusals carry "[ERROR] …" lines the client would log; the refusals are asserted here, so they stay quiet.
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (text: string, value = 'v', actionId = 'a') => ({
  type: 'button',
  text: { type: 'plain_text', text },
  value,
  action_id: actionId,
});

describe('Slack stand-in, through the real WebClient', () => {
  const api = new SlackStandIn();
  let client: WebClient;

  beforeAll(async () => {
    await api.start();
    client = new WebClient(api.token, { slackApiUrl: api.apiUrl, logger: quiet, retryConfig: { retries: 0 } });
  });

  afterAll(() => api.stop());

  it('answers auth.test as the bot, at a base URL ending in /api/', async () => {
    expect(api.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    expect(api.token).toMatch(/^xoxb-test-/);
    const auth = await client.auth.test();
    expect(auth).toMatchObject({ ok: true, user_id: api.botUserId, bot_id: api.botId, team_id: api.teamId });
    expect(auth.url).toMatch(/^https:\/\/.+\.slack\.com\/$/);
  });

  it('posts with blocks from the form body, ts strictly increasing, and keeps every edit', async () => {
    const channel = 'C0POSTS01';
    const first = await client.chat.postMessage({ channel, text: '电梯坏了', blocks: [section('*电梯坏了*')] });
    const second = await client.chat.postMessage({ channel, text: 'reply', thread_ts: first.ts! });
    expect(first.ok).toBe(true);
    expect(first.channel).toBe(channel);
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    const call = api.callsOf('chat.postMessage')[0]!;
    expect(call.contentType).toBe('application/x-www-form-urlencoded');
    expect(call.payload.blocks).toEqual([section('*电梯坏了*')]); // parsed, not the JSON string the client sent

    const updated = await client.chat.update({ channel, ts: first.ts!, text: '电梯已修好', blocks: [section('~电梯坏了~ 已修好')] });
    expect(updated).toMatchObject({ ok: true, channel, ts: first.ts });
    const message = api.message(channel, first.ts!)!;
    expect(message.versions.map((version) => version.text)).toEqual(['电梯坏了', '电梯已修好']);
    expect(message.blocks).toEqual([section('~电梯坏了~ 已修好')]);
    expect(api.textsTo(channel)).toEqual(['电梯已修好', 'reply']);
    expect(api.repliesTo(channel, first.ts!).map((m) => m.text)).toEqual(['reply']);
    expect(api.contentsTo(channel)[0]).toContain('~电梯坏了~ 已修好');

    await expect(client.chat.update({ channel, ts: '1.000001', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { ok: false, error: 'message_not_found' },
    });
  });

  it('takes JSON bodies too, and posting to a user id lands in the DM', async () => {
    const response = await fetch(`${api.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'U0JSON001', text: 'hi', blocks: [section('hi')] }),
    });
    const json = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(json).toMatchObject({ ok: true, channel: dmChannelId('U0JSON001') });
    expect(api.messagesIn('U0JSON001')[0]?.blocks).toEqual([section('hi')]);
  });

  it('checks the token: none is not_authed, a wrong one invalid_auth, both as HTTP 200', async () => {
    const stranger = new WebClient('xoxb-wrong', { slackApiUrl: api.apiUrl, logger: quiet, retryConfig: { retries: 0 } });
    await expect(stranger.auth.test()).rejects.toMatchObject({ data: { ok: false, error: 'invalid_auth' } });
    const response = await fetch(`${api.apiUrl}auth.test`, { method: 'POST', body: new URLSearchParams({}) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('answers 429 with Retry-After, records no message, and the client waits that long before retrying', async () => {
    const channel = 'C0LIMITS1';
    api.rateLimit('chat.postMessage', 1, 1);
    const patient = new WebClient(api.token, {
      slackApiUrl: api.apiUrl,
      logger: quiet,
      retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
    });
    const started = Date.now();
    const posted = await patient.chat.postMessage({ channel, text: 'after the wait' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950); // timers and Date.now() may round apart by a few ms
    expect(posted.ok).toBe(true);
    expect(
      api
        .callsOf('chat.postMessage')
        .filter((c) => c.payload.channel === channel)
        .map((c) => c.status),
    ).toEqual([429, 200]);
    expect(api.textsTo(channel)).toEqual(['after the wait']);

    api.rateLimit('chat.update', 1, 7);
    const impatient = new WebClient(api.token, { slackApiUrl: api.apiUrl, logger: quiet, rejectRateLimitedCalls: true });
    await expect(impatient.chat.update({ channel, ts: posted.ts!, text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
    expect(api.textsTo(channel)).toEqual(['after the wait']);
    const raw = await fetch(`${api.apiUrl}chat.postMessage`, {
      method: 'POST',
      body: new URLSearchParams({ token: api.token, channel, text: 'y' }),
    });
    expect(raw.status).toBe(200); // the limit was used up
  });

  it('refuses what Block Kit refuses, saying why, and records nothing', async () => {
    const channel = 'C0BLOCKS1';
    const refusal = async (args: Record<string, unknown>) => {
      try {
        await client.chat.postMessage({ channel, text: 'fallback', ...args });
      } catch (error) {
        return (error as { data: { error: string; errors?: string[] } }).data;
      }
      throw new Error('accepted');
    };
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(await refusal({ blocks: many })).toMatchObject({
      error: 'invalid_blocks',
      errors: ['no more than 50 items allowed [json-pointer:/blocks]'],
    });
    expect((await refusal({ blocks: [section('长'.repeat(3001))] })).errors).toEqual([
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ]);
    expect((await refusal({ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] })).error).toBe(
      'invalid_blocks',
    );
    expect((await refusal({ blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'c'.repeat(2001) }] }] })).error).toBe(
      'invalid_blocks',
    );
    const buttons = Array.from({ length: 26 }, (_, i) => button(`b${i}`, 'v', `a${i}`));
    expect((await refusal({ blocks: [{ type: 'actions', elements: buttons }] })).errors).toEqual([
      'no more than 25 items allowed [json-pointer:/blocks/0/elements]',
    ]);
    expect((await refusal({ blocks: [{ type: 'actions', elements: [button('b'.repeat(76))] }] })).errors).toEqual([
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ]);
    expect((await refusal({ blocks: [{ type: 'actions', elements: [button('ok', 'v'.repeat(2001))] }] })).error).toBe('invalid_blocks');
    expect((await refusal({ blocks: [{ type: 'actions', elements: [button('ok', 'v', 'a'.repeat(256))] }] })).error).toBe('invalid_blocks');
    // Each block within its own limit, together over the practical 13,000 characters of JSON.
    expect((await refusal({ blocks: Array.from({ length: 5 }, () => section('x'.repeat(2900))) })).error).toBe('msg_blocks_too_long');
    expect((await refusal({ text: 't'.repeat(40_001) })).error).toBe('msg_too_long');
    expect(api.messagesIn(channel)).toEqual([]);
    expect(api.rejections.filter((r) => r.channel === channel)).toHaveLength(10);

    const fine = [
      section('s'.repeat(3000)),
      { type: 'actions', elements: Array.from({ length: 25 }, (_, i) => button('b'.repeat(75), 'v', `a${i}`)) },
    ];
    expect(checkBlocks(fine, 'message')).toEqual([]);
    expect((await client.chat.postMessage({ channel, text: 'fine', blocks: fine })).ok).toBe(true);
  });

  it('answers not_in_channel and is_archived where the bot cannot post', async () => {
    api.leaveChannel('C0LEFT001');
    api.archiveChannel('C0ARCHIVE');
    await expect(client.chat.postMessage({ channel: 'C0LEFT001', text: 'x' })).rejects.toMatchObject({ data: { error: 'not_in_channel' } });
    await expect(client.chat.postMessage({ channel: 'C0ARCHIVE', text: 'x' })).rejects.toMatchObject({ data: { error: 'is_archived' } });
    expect((await client.conversations.info({ channel: 'C0ARCHIVE' })).channel).toMatchObject({ id: 'C0ARCHIVE', is_archived: true });
    api.joinChannel('C0LEFT001');
    expect((await client.chat.postMessage({ channel: 'C0LEFT001', text: 'back' })).ok).toBe(true);
  });

  it('records posts to one channel less than a second apart, without refusing them', async () => {
    const channel = 'C0BURST01';
    for (const text of ['1', '2', '3']) await client.chat.postMessage({ channel, text });
    expect(api.textsTo(channel)).toEqual(['1', '2', '3']);
    const burst = api.violations.filter((v) => v.channel === channel);
    expect(burst).toHaveLength(2);
    expect(burst.every((v) => v.gapMs < 1000)).toBe(true);
  });

  it('records ephemerals and views, and describes users and channels', async () => {
    const wang = payloads.user({ id: 'U0WANG001', name: 'wangfang', real_name: '王芳' });
    api.addUser(wang);
    api.addUser(payloads.user({ id: 'U0ALICE01', name: 'alice', real_name: 'Alice', locale: 'en-US' }));
    const info = await client.users.info({ user: wang.id, include_locale: true });
    expect(info.user).toMatchObject({ id: wang.id, name: 'wangfang', real_name: '王芳', locale: 'zh-CN', deleted: false });
    expect((await client.users.info({ user: 'U0ALICE01', include_locale: true })).user?.locale).toBe('en-US');
    expect((await client.users.info({ user: wang.id })).user?.locale).toBeUndefined(); // as Slack: only when asked
    expect((await client.conversations.info({ channel: dmChannelId(wang.id) })).channel).toMatchObject({ is_im: true, user: wang.id });
    api.addChannel(payloads.channel({ id: 'C0BLDG001', name: '1栋业主群' }));
    expect((await client.conversations.info({ channel: 'C0BLDG001' })).channel).toMatchObject({
      name: '1栋业主群',
      is_im: false,
      is_archived: false,
    });

    const ephemeral = await client.chat.postEphemeral({ channel: 'C0BLDG001', user: wang.id, text: '只有你能看到' });
    expect(ephemeral.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(api.ephemeralsTo(wang.id).map((e) => e.text)).toEqual(['只有你能看到']);

    const modal = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: '提议' },
      blocks: [{ type: 'input', label: { type: 'plain_text', text: '内容' }, element: { type: 'plain_text_input', action_id: 'body' } }],
    };
    const opened = await client.views.open({ trigger_id: payloads.triggerId(), view: modal });
    expect(opened.view?.id).toMatch(/^V/);
    await client.views.publish({ user_id: wang.id, view: { type: 'home', blocks: [section('首页')] } });
    expect(api.homeOf(wang.id)).toMatchObject({ type: 'home' });
    await expect(
      client.views.open({ trigger_id: payloads.triggerId(), view: { ...modal, title: { type: 'plain_text', text: 't'.repeat(25) } } }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
  });
});

describe('signed requests to the app', () => {
  // An app written against Slack's documentation alone: it checks signatures with node:crypto itself and echoes back
  // what it was sent, so the helpers are checked against the scheme, not against their own signer.
  const secret = 'app-under-test-secret';
  let server: Server;
  let appUrl = '';

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString();
      const timestamp = String(request.headers['x-slack-request-timestamp'] ?? '');
      const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
      const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
      if (request.headers['x-slack-signature'] !== expected || !fresh) {
        response.writeHead(401).end(fresh ? 'bad signature' : 'stale');
        return;
      }
      const parsed = String(request.headers['content-type']).startsWith('application/json')
        ? JSON.parse(body)
        : Object.fromEntries(new URLSearchParams(body));
      if (parsed.type === 'url_verification') {
        response.writeHead(200, { 'content-type': 'text/plain' }).end(parsed.challenge);
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          parsed,
          retryNum: request.headers['x-slack-retry-num'] ?? null,
          retryReason: request.headers['x-slack-retry-reason'] ?? null,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    appUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/slack`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("signs Slack's own worked example to Slack's own answer", () => {
    // From Slack's "Verifying requests from Slack"; also checked with `openssl dgst -sha256 -hmac`.
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toEqual({
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      'x-slack-request-timestamp': '1531420618',
    });
  });

  it('delivers events in the envelope, with retry headers when asked', async () => {
    const wang = payloads.user({ name: 'wangfang' });
    const event = payloads.message(wang, payloads.dm(wang), '/claim 1234');
    const first = await postEvent(appUrl, secret, event);
    expect(first.status).toBe(200);
    const { parsed, retryNum } = JSON.parse(first.body);
    expect(parsed).toMatchObject({
      type: 'event_callback',
      team_id: expect.any(String),
      api_app_id: expect.any(String),
      event_id: first.eventId,
    });
    expect(parsed.event).toMatchObject({
      type: 'message',
      user: wang.id,
      channel: dmChannelId(wang.id),
      channel_type: 'im',
      text: '/claim 1234',
    });
    expect(typeof parsed.event_time).toBe('number');
    expect(retryNum).toBeNull();
    const again = await postEvent(appUrl, secret, event, { eventId: first.eventId, retryNum: 1 });
    expect(JSON.parse(again.body)).toMatchObject({ parsed: { event_id: first.eventId }, retryNum: '1', retryReason: 'http_timeout' });
  });

  it('makes forged and stale requests the app must refuse', async () => {
    const event = payloads.appMention(payloads.user(), payloads.channel(), 'hi');
    expect((await postEvent(appUrl, secret, event, { forgeSignature: true })).body).toBe('bad signature');
    expect((await postEvent(appUrl, secret, event, { staleBySeconds: 600 })).body).toBe('stale');
    expect((await postEvent(appUrl, 'another-secret', event)).status).toBe(401);
  });

  it('sends slash commands and button taps form-encoded, and the URL handshake', async () => {
    const command = await postSlashCommand(appUrl, secret, {
      command: '/issue',
      text: '电梯 坏了 & 没修',
      user_id: 'U0WANG001',
      channel_id: 'C0BLDG001',
    });
    expect(JSON.parse(command.body).parsed).toMatchObject({
      command: '/issue',
      text: '电梯 坏了 & 没修',
      user_id: 'U0WANG001',
      channel_id: 'C0BLDG001',
      team_id: expect.any(String),
      trigger_id: expect.any(String),
      response_url: expect.stringMatching(/^https:\/\//),
    });

    const wang = payloads.user({ id: 'U0WANG001', name: 'wangfang' });
    const tap = payloads.buttonTap(wang, payloads.channel({ id: 'C0BLDG001', name: 'bldg-1' }), '1700000000.000100', {
      action_id: 'support',
      value: 'issue:1',
    });
    const tapped = JSON.parse((await postInteraction(appUrl, secret, tap)).body).parsed;
    expect(JSON.parse(tapped.payload)).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0WANG001', username: 'wangfang', name: 'wangfang' },
      channel: { id: 'C0BLDG001', name: 'bldg-1' },
      container: { message_ts: '1700000000.000100', channel_id: 'C0BLDG001' },
      trigger_id: expect.any(String),
      actions: [{ action_id: 'support', value: 'issue:1', type: 'button', action_ts: expect.any(String) }],
    });

    const handshake = await urlVerification(appUrl, secret, 'challenge-123');
    expect(handshake).toMatchObject({ status: 200, body: 'challenge-123' });
    expect(handshake.headers['content-type']).toBe('text/plain');
  });
});
