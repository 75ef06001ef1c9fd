// A local stand-in for Slack's Web API, written for the tests: the real @slack/web-api WebClient talks to it over HTTP
// (its `slackApiUrl` option set to `apiUrl`) as it would to https://slack.com/api/. It records every call, every
// message with its time and its edits, applies Block Kit's limits as Slack does, and on demand answers 429 with
// Retry-After, not_in_channel or is_archived. The functions after the class play Slack's other side: they send the
// app under test signed Events API deliveries, slash commands and button taps, as Slack's servers would.
//
// Behaviour kept from the real Slack, on purpose, because an adapter that gets it wrong breaks in production:
// - Slack-level errors come back as HTTP 200 with {ok:false,error}; only rate limiting is HTTP 429 (with Retry-After).
// - No token at all is `not_authed`; a wrong one is `invalid_auth`. The token may come as `Authorization: Bearer` or,
//   in a form body only, as the `token` field.
// - Form bodies carry every value as a string: object fields (blocks, attachments, view, metadata) are JSON text and
//   are parsed here; booleans and numbers stay strings ('true', '42') in `calls[].payload`.
// - users.info returns `locale` only when asked with include_locale=true.
// - chat.postMessage to a user id (U…/W…) posts to the app's DM with that user, channel `dmChannelId(user)` (D…).
// - A DM's conversations.info has `user` and no `name`.
// - The blocks' total JSON over 13,000 characters is refused with `msg_blocks_too_long`, the code Slack uses for its
//   cumulative limit. Slack does not document that limit (reports put it near 13,200, varying with the block types),
//   so 13,000 is a practical, slightly conservative figure chosen here, not Slack's own number.
// - Lengths are counted in UTF-16 code units (String.length), which is never less than Slack's character count.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type WebSocket, WebSocketServer } from 'ws';

export const SLACK_TEAM_ID = 'T0YISHI01';
export const SLACK_TEAM_DOMAIN = 'yishi-test';
export const SLACK_APP_ID = 'A0YISHI01';
export const SLACK_BOT_USER_ID = 'U0YISHIBOT';
export const SLACK_BOT_ID = 'B0YISHIBOT';
export const SLACK_TOKEN = 'xoxb-test-0000000001-yishi';
export const SLACK_SIGNING_SECRET = 'yishi-test-signing-secret-0123456789abcdef';
/** The deprecated verification token Slack still puts in every payload; apps should ignore it and check signatures. */
export const SLACK_VERIFICATION_TOKEN = 'legacyVerificationToken0';

export type SlackBlock = Record<string, unknown>;
export type SlackPayload = Record<string, unknown>;
export type SlackCall = {
  method: string;
  /** The request's fields; JSON fields of form bodies (blocks, attachments, view, metadata) parsed, other form values strings. */
  payload: SlackPayload;
  at: number;
  contentType: string;
  /** HTTP status answered (200, or 429 when rate limited). */
  status: number;
  /** The Slack error code answered, if any. */
  error?: string;
};
export type SlackMessageVersion = { text: string; blocks: SlackBlock[] | undefined; at: number; payload: SlackPayload };
export type SlackMessage = {
  channel: string;
  ts: string;
  /** The current version's text and blocks. */
  text: string;
  blocks: SlackBlock[] | undefined;
  thread_ts: string | undefined;
  /** The bot user that posted it. */
  user: string;
  /** When it was first posted. */
  at: number;
  /** Every version, oldest first: the posted one, then one per chat.update; the last is the current one. */
  versions: SlackMessageVersion[];
  deleted: boolean;
  payload: SlackPayload;
};
export type SlackEphemeral = {
  channel: string;
  user: string;
  /** The message_ts Slack answered with. */
  ts: string;
  text: string;
  blocks: SlackBlock[] | undefined;
  thread_ts: string | undefined;
  at: number;
  payload: SlackPayload;
};
export type SlackViewRecord = {
  method: 'views.open' | 'views.push' | 'views.update' | 'views.publish';
  id: string;
  trigger_id?: string;
  /** For views.publish, the user whose Home tab it is. */
  user_id?: string;
  view: Record<string, unknown>;
  at: number;
};
/** Two chat.postMessage calls to one channel less than a second apart (Slack allows about one a second per channel). */
export type SlackViolation = { channel: string; ts: string; at: number; previousAt: number; gapMs: number };
/** A call Slack would refuse for its content, with why. */
export type SlackRejection = { method: string; channel?: string; error: string; reasons: string[]; at: number; payload: SlackPayload };
export type SlackUser = {
  id: string;
  name: string;
  real_name: string;
  /** Returned by users.info (with include_locale=true); 'zh-CN' when not given. */
  locale?: string;
  tz?: string;
  is_bot?: boolean;
  deleted?: boolean;
};
export type SlackChannel = {
  id: string;
  /** Absent for DMs, as in Slack. */
  name?: string;
  is_im?: boolean;
  is_private?: boolean;
  is_archived?: boolean;
  /** For a DM, the other person. */
  user?: string;
};
export type ResponseUrlPost = { id: string; url: string; body: unknown; at: number };

type Answer = { status?: number; headers?: Record<string, string>; body: Record<string, unknown> };
type Failure = { method: string; skip: number; retryAfter?: number; error?: string; status?: number };

/** Fields that Slack's form bodies carry as JSON text. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'user_auth_blocks', 'unfurls']);
const MESSAGE_BLOCKS_MAX = 50;
const VIEW_BLOCKS_MAX = 100;
/** Practical, not documented by Slack: see the note at the top of this file. */
export const BLOCKS_JSON_MAX = 13_000;
export const TEXT_MAX = 40_000;
/** A trigger_id can open a view for 3 seconds after Slack sent it. */
const TRIGGER_LIFETIME_MS = 3_000;

/** The app's DM channel with a user, as the stand-in names it: 'U0000042' → 'D0000042'. */
export function dmChannelId(userId: string): string {
  return `D${userId.slice(1)}`;
}

export class SlackStandIn {
  readonly token: string;
  readonly signingSecret: string;
  readonly botUserId = SLACK_BOT_USER_ID;
  readonly botId = SLACK_BOT_ID;
  readonly teamId = SLACK_TEAM_ID;
  readonly appId = SLACK_APP_ID;
  readonly calls: SlackCall[] = [];
  /** Messages the bot posted, in order, with their edits; deleted ones stay, marked. */
  readonly messages: SlackMessage[] = [];
  readonly ephemerals: SlackEphemeral[] = [];
  readonly views: SlackViewRecord[] = [];
  readonly violations: SlackViolation[] = [];
  readonly rejections: SlackRejection[] = [];
  /** What the app POSTed to response URLs made by `newResponseUrl()`. */
  readonly responseUrlPosts: ResponseUrlPost[] = [];
  private readonly users = new Map<string, SlackUser>();
  private readonly channels = new Map<string, SlackChannel>();
  private readonly left = new Set<string>();
  private readonly archived = new Set<string>();
  private readonly lastTs = new Map<string, number>();
  private readonly lastPostAt = new Map<string, number>();
  private failures: Failure[] = [];
  /** Socket Mode: the app-level token `apps.connections.open` takes, the connections opened, the envelopes acknowledged. */
  readonly appToken = 'xapp-1-A0YISHI01-1-sockettoken';
  readonly socketAcks: Array<{ envelopeId: string; at: number }> = [];
  private sockets: WebSocketServer | null = null;
  private readonly connections: WebSocket[] = [];
  private nextEnvelope = 1;
  private nextViewId = 1;
  private nextResponseUrl = 1;
  private server: Server | null = null;
  port = 0;

  constructor(options: { token?: string; signingSecret?: string } = {}) {
    this.token = options.token ?? SLACK_TOKEN;
    this.signingSecret = options.signingSecret ?? SLACK_SIGNING_SECRET;
  }

  /** Base URL for the WebClient's `slackApiUrl` option. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.terminate();
    await new Promise<void>((resolve) => (this.sockets ? this.sockets.close(() => resolve()) : resolve()));
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The WebSocket address `apps.connections.open` hands out; each connection is greeted with Slack's `hello`. */
  private async socketUrl(): Promise<string> {
    if (!this.sockets) {
      const sockets = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await new Promise<void>((resolve) => sockets.once('listening', () => resolve()));
      sockets.on('connection', (connection) => {
        this.connections.push(connection);
        connection.on('message', (data) => {
          const { envelope_id: envelopeId } = JSON.parse(String(data)) as { envelope_id?: string };
          if (envelopeId) this.socketAcks.push({ envelopeId, at: Date.now() });
        });
        connection.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: this.appId } }));
      });
      this.sockets = sockets;
    }
    const address = this.sockets.address();
    return `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/link/?ticket=${this.nextEnvelope}`;
  }

  /** Whether the app holds a Socket Mode connection open. */
  get socketConnected(): boolean {
    return this.connections.some((connection) => connection.readyState === connection.OPEN);
  }

  /**
   * Sends an envelope over the app's Socket Mode connection, as Slack does: `events_api` (an event callback),
   * `slash_commands` (the command's fields) or `interactive` (an interaction payload); `retryAttempt` > 0 sends it
   * again under the same envelope id. Returns the envelope id, which the app acknowledges.
   */
  sendEnvelope(
    type: 'events_api' | 'slash_commands' | 'interactive',
    payload: Record<string, unknown>,
    options: { envelopeId?: string; retryAttempt?: number } = {},
  ): string {
    const connection = this.connections.findLast((candidate) => candidate.readyState === candidate.OPEN);
    if (!connection) throw new Error('no Socket Mode connection is open');
    const envelopeId = options.envelopeId ?? `env-${this.nextEnvelope++}`;
    connection.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: false,
        retry_attempt: options.retryAttempt ?? 0,
        retry_reason: options.retryAttempt ? 'timeout' : '',
      }),
    );
    return envelopeId;
  }

  /** Forgets everything recorded and every fault set up; users and channels stay. */
  clear(): void {
    for (const list of [this.calls, this.messages, this.ephemerals, this.views, this.violations, this.rejections, this.responseUrlPosts])
      list.splice(0);
    this.failures = [];
    this.lastPostAt.clear();
  }

  /** Makes users.info answer with this user (otherwise any U…/W… id gets a made-up one). */
  addUser(user: SlackUser): void {
    this.users.set(user.id, user);
  }

  /** Makes conversations.info answer with this channel (otherwise any C…/G…/D… id gets a made-up one). */
  addChannel(channel: SlackChannel): void {
    this.channels.set(channel.id, channel);
    if (channel.is_archived) this.archived.add(channel.id);
  }

  /** The bot is no longer in the channel: posting or updating there answers not_in_channel. */
  leaveChannel(channel: string): void {
    this.left.add(channel);
  }

  joinChannel(channel: string): void {
    this.left.delete(channel);
  }

  /** The channel is archived: posting or updating there answers is_archived; conversations.info says so. */
  archiveChannel(channel: string): void {
    this.archived.add(channel);
  }

  unarchiveChannel(channel: string): void {
    this.archived.delete(channel);
  }

  /** The next `times` calls of `method` are refused with HTTP 429, Retry-After and {ok:false,error:'ratelimited'}. */
  rateLimit(method: string, times: number, retryAfterSeconds: number): void {
    for (let i = 0; i < times; i++) this.failures.push({ method, skip: 0, retryAfter: retryAfterSeconds });
  }

  /** The `nth` next call of `method` (1 = the next one) is refused with 429 and Retry-After; the ones before it pass. */
  rateLimitNth(method: string, nth: number, retryAfterSeconds: number): void {
    this.failures.push({ method, skip: nth - 1, retryAfter: retryAfterSeconds });
  }

  /** The next `times` calls of `method` answer {ok:false,error} (HTTP `status`, 200 unless given, e.g. 500 or 503). */
  failNext(method: string, error: string, options: { times?: number; status?: number } = {}): void {
    for (let i = 0; i < (options.times ?? 1); i++) this.failures.push({ method, skip: 0, error, status: options.status ?? 200 });
  }

  /** A URL on this stand-in to hand the app as a response_url; what the app POSTs there lands in `responseUrlPosts`. */
  newResponseUrl(): string {
    return `http://127.0.0.1:${this.port}/response/${this.nextResponseUrl++}`;
  }

  /** Current messages (not deleted) in a channel, in order; a user id means the DM with that user. */
  messagesIn(channel: string): SlackMessage[] {
    const id = resolveChannel(channel);
    return this.messages.filter((m) => m.channel === id && !m.deleted);
  }

  /** Current texts of the messages in a channel (the `text` field, i.e. the notification fallback). */
  textsTo(channel: string): string[] {
    return this.messagesIn(channel).map((m) => m.text);
  }

  /** Everything a reader sees of each message in a channel: its text and all text in its blocks, one string each. */
  contentsTo(channel: string): string[] {
    return this.messagesIn(channel).map((m) => [m.text, ...blockTexts(m.blocks)].join('\n'));
  }

  /** Replies in a thread (messages whose thread_ts is the parent's ts). */
  repliesTo(channel: string, threadTs: string): SlackMessage[] {
    return this.messagesIn(channel).filter((m) => m.thread_ts === threadTs);
  }

  /** The message with this channel and ts, if the bot posted it. */
  message(channel: string, ts: string): SlackMessage | undefined {
    const id = resolveChannel(channel);
    return this.messages.find((m) => m.channel === id && m.ts === ts);
  }

  ephemeralsTo(user: string, channel?: string): SlackEphemeral[] {
    return this.ephemerals.filter((e) => e.user === user && (channel === undefined || e.channel === resolveChannel(channel)));
  }

  /** The Home tab last published for a user. */
  homeOf(user: string): Record<string, unknown> | undefined {
    return this.views.filter((v) => v.method === 'views.publish' && v.user_id === user).at(-1)?.view;
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async waitFor(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) {
        const sent = [
          ...this.messages.map((m) => `${m.channel} ${m.ts}${m.deleted ? ' (deleted)' : ''}: ${m.text}`),
          ...this.ephemerals.map((e) => `${e.channel} to ${e.user} (ephemeral): ${e.text}`),
          ...this.rejections.map((r) => `refused ${r.method} ${r.channel ?? ''}: ${r.error} ${r.reasons.join('; ')}`),
        ];
        throw new Error(`timed out; sent so far:\n${sent.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const contentType = String(request.headers['content-type'] ?? '');
    const reply = (answer: Answer) => {
      response.writeHead(answer.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
      response.end(JSON.stringify(answer.body));
    };

    const responseUrl = /^\/response\/(\d+)$/.exec(url.pathname);
    if (responseUrl) {
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {}
      this.responseUrlPosts.push({ id: responseUrl[1]!, url: `http://127.0.0.1:${this.port}${url.pathname}`, body, at: Date.now() });
      return reply({ body: { ok: true } });
    }

    const match = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (!match) return reply({ status: 404, body: { ok: false, error: 'unknown_method' } });
    const method = match[1]!;
    const isJson = /^application\/json\b/i.test(contentType);
    let payload: SlackPayload = Object.fromEntries(url.searchParams);
    let malformed = false;
    if (isJson && raw) {
      try {
        payload = { ...payload, ...(JSON.parse(raw) as SlackPayload) };
      } catch {
        malformed = true;
      }
    } else if (raw) payload = { ...payload, ...parseForm(raw) };
    const call: SlackCall = { method, payload, at: Date.now(), contentType, status: 200 };
    this.calls.push(call);
    const finish = (answer: Answer) => {
      call.status = answer.status ?? 200;
      if (answer.body.ok === false) call.error = String(answer.body.error);
      if (answer.body.ok === true && isJson && !/charset=utf-8/i.test(contentType))
        answer.body = { ...answer.body, warning: 'missing_charset', response_metadata: { warnings: ['missing_charset'] } };
      reply(answer);
    };

    const bearer = /^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
    const token = bearer ?? (!isJson && typeof payload.token === 'string' ? payload.token : undefined);
    if (token === undefined) return finish(fail('not_authed'));
    // Socket Mode: only the app-level token opens a connection, and it opens nothing else.
    if (method === 'apps.connections.open')
      return finish(token === this.appToken ? { body: { ok: true, url: await this.socketUrl() } } : fail('invalid_auth'));
    if (token !== this.token) return finish(fail('invalid_auth'));
    if (malformed) return finish(fail('invalid_json'));

    const failure = this.failures.findIndex((f) => f.method === method);
    if (failure >= 0 && this.failures[failure]!.skip > 0) this.failures[failure]!.skip -= 1;
    else if (failure >= 0) {
      const injected = this.failures.splice(failure, 1)[0]!;
      if (injected.retryAfter !== undefined)
        return finish({ status: 429, headers: { 'retry-after': String(injected.retryAfter) }, body: { ok: false, error: 'ratelimited' } });
      return finish({ status: injected.status, body: { ok: false, error: injected.error } });
    }
    return finish(this.answer(method, payload));
  }

  private answer(method: string, payload: SlackPayload): Answer {
    switch (method) {
      case 'api.test':
        return { body: { ok: true, args: payload } };
      case 'auth.test':
        return {
          body: {
            ok: true,
            url: `https://${SLACK_TEAM_DOMAIN}.slack.com/`,
            team: 'yishi test',
            user: 'yishi',
            team_id: this.teamId,
            user_id: this.botUserId,
            bot_id: this.botId,
            is_enterprise_install: false,
          },
        };
      case 'chat.postMessage':
        return this.postMessage(payload);
      case 'chat.update':
        return this.update(payload);
      case 'chat.postEphemeral':
        return this.postEphemeral(payload);
      case 'chat.delete': {
        const message = this.message(String(payload.channel ?? ''), String(payload.ts ?? ''));
        if (!message || message.deleted) return fail('message_not_found');
        message.deleted = true;
        return { body: { ok: true, channel: message.channel, ts: message.ts } };
      }
      case 'conversations.open': {
        const users = String(payload.users ?? '')
          .split(',')
          .filter(Boolean);
        if (users.length === 0 && typeof payload.channel === 'string') return { body: { ok: true, channel: { id: payload.channel } } };
        if (users.length !== 1) return fail(users.length === 0 ? 'users_list_not_supplied' : 'not_supported');
        return { body: { ok: true, no_op: true, already_open: true, channel: { id: dmChannelId(users[0]!) } } };
      }
      case 'conversations.info': {
        const channel = this.channelInfo(String(payload.channel ?? ''));
        return channel ? { body: { ok: true, channel } } : fail('channel_not_found');
      }
      case 'users.info': {
        const user = this.userInfo(String(payload.user ?? ''), payload.include_locale === true || payload.include_locale === 'true');
        return user ? { body: { ok: true, user } } : fail('user_not_found');
      }
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish':
        return this.view(method, payload);
      default:
        return fail('unknown_method', { req_method: method });
    }
  }

  private postMessage(payload: SlackPayload): Answer {
    if (!payload.channel) return this.refuse('chat.postMessage', undefined, payload, 'channel_not_found');
    const channel = resolveChannel(String(payload.channel));
    const refused = this.gate('chat.postMessage', channel, payload) ?? this.checkContent('chat.postMessage', channel, payload);
    if (refused) return refused;
    const at = Date.now();
    const ts = this.nextTs(channel);
    const previousAt = this.lastPostAt.get(channel);
    if (previousAt !== undefined && at - previousAt < 1000) this.violations.push({ channel, ts, at, previousAt, gapMs: at - previousAt });
    this.lastPostAt.set(channel, at);
    const text = textOf(payload);
    const blocks = payload.blocks as SlackBlock[] | undefined;
    const message: SlackMessage = {
      channel,
      ts,
      text,
      blocks,
      thread_ts: typeof payload.thread_ts === 'string' && payload.thread_ts ? payload.thread_ts : undefined,
      user: this.botUserId,
      at,
      versions: [{ text, blocks, at, payload }],
      deleted: false,
      payload,
    };
    this.messages.push(message);
    return { body: { ok: true, channel, ts, message: this.messageJson(message) } };
  }

  private update(payload: SlackPayload): Answer {
    const channel = resolveChannel(String(payload.channel ?? ''));
    const message = this.message(channel, String(payload.ts ?? ''));
    if (!message || message.deleted) return this.refuse('chat.update', channel, payload, 'message_not_found');
    const refused = this.gate('chat.update', channel, payload) ?? this.checkContent('chat.update', channel, payload, message);
    if (refused) return refused;
    // As in Slack: leaving `blocks` out keeps the previous blocks; an empty array removes them. Leaving text out keeps it.
    const text = payload.text === undefined ? message.text : textOf(payload);
    const blocks = payload.blocks === undefined ? message.blocks : (payload.blocks as SlackBlock[]);
    message.text = text;
    message.blocks = blocks;
    message.versions.push({ text, blocks, at: Date.now(), payload });
    return {
      body: { ok: true, channel, ts: message.ts, text, message: { ...this.messageJson(message), edited: { user: this.botUserId } } },
    };
  }

  private postEphemeral(payload: SlackPayload): Answer {
    if (!payload.channel) return this.refuse('chat.postEphemeral', undefined, payload, 'channel_not_found');
    if (!payload.user) return this.refuse('chat.postEphemeral', undefined, payload, 'user_not_found');
    const channel = resolveChannel(String(payload.channel));
    const refused = this.gate('chat.postEphemeral', channel, payload) ?? this.checkContent('chat.postEphemeral', channel, payload);
    if (refused) return refused;
    const ts = this.nextTs(channel);
    this.ephemerals.push({
      channel,
      user: String(payload.user),
      ts,
      text: textOf(payload),
      blocks: payload.blocks as SlackBlock[] | undefined,
      thread_ts: typeof payload.thread_ts === 'string' && payload.thread_ts ? payload.thread_ts : undefined,
      at: Date.now(),
      payload,
    });
    return { body: { ok: true, message_ts: ts } };
  }

  private view(method: SlackViewRecord['method'], payload: SlackPayload): Answer {
    const triggerId = typeof payload.trigger_id === 'string' ? payload.trigger_id : undefined;
    if (method === 'views.open' || method === 'views.push') {
      if (!triggerId) return this.refuse(method, undefined, payload, 'invalid_arguments', ['missing required field: trigger_id']);
      const issued = /^\d+\.(\d{13})\.[0-9a-f]+$/.exec(triggerId)?.[1];
      if (issued !== undefined && Date.now() - Number(issued) > TRIGGER_LIFETIME_MS)
        return this.refuse(method, undefined, payload, 'expired_trigger_id');
    }
    if (method === 'views.publish' && !payload.user_id)
      return this.refuse(method, undefined, payload, 'invalid_arguments', ['missing required field: user_id']);
    const view = payload.view;
    if (view === null || typeof view !== 'object' || Array.isArray(view))
      return this.refuse(method, undefined, payload, 'invalid_arguments', ['must provide an object [json-pointer:/view]']);
    const reasons = checkView(view as Record<string, unknown>, method === 'views.publish' ? 'home' : 'modal');
    if (reasons.length > 0) return this.refuse(method, undefined, payload, 'invalid_arguments', reasons);
    let id: string;
    if (method === 'views.update') {
      const previous = this.views.find(
        (v) => (payload.view_id && v.id === payload.view_id) || (payload.external_id && v.view.external_id === payload.external_id),
      );
      if (!previous) return this.refuse(method, undefined, payload, 'not_found');
      id = previous.id;
    } else if (method === 'views.publish') {
      id =
        this.views.find((v) => v.method === 'views.publish' && v.user_id === payload.user_id)?.id ??
        `V${String(this.nextViewId++).padStart(8, '0')}`;
    } else id = `V${String(this.nextViewId++).padStart(8, '0')}`;
    const record: SlackViewRecord = { method, id, view: view as Record<string, unknown>, at: Date.now() };
    if (triggerId) record.trigger_id = triggerId;
    if (typeof payload.user_id === 'string') record.user_id = payload.user_id;
    this.views.push(record);
    return {
      body: {
        ok: true,
        view: { id, team_id: this.teamId, app_id: this.appId, bot_id: this.botId, state: { values: {} }, hash: `${Date.now()}.x`, ...view },
      },
    };
  }

  private gate(method: string, channel: string, payload: SlackPayload): Answer | undefined {
    if (this.archived.has(channel)) return this.refuse(method, channel, payload, 'is_archived');
    if (this.left.has(channel)) return this.refuse(method, channel, payload, 'not_in_channel');
    return undefined;
  }

  /** Slack's checks of a message's text and blocks; on chat.update, `existing` supplies what the call leaves out. */
  private checkContent(method: string, channel: string, payload: SlackPayload, existing?: SlackMessage): Answer | undefined {
    const { blocks, attachments } = payload;
    if (typeof blocks === 'string' || (blocks !== undefined && !Array.isArray(blocks)))
      return this.refuse(method, channel, payload, 'invalid_blocks_format', ['blocks must be a JSON array']);
    const text = textOf(payload);
    const hasBlocks = Array.isArray(blocks) ? blocks.length > 0 : (existing?.blocks?.length ?? 0) > 0;
    const hasText = text !== '' || (payload.text === undefined && existing !== undefined && existing.text !== '');
    if (!hasText && !hasBlocks && attachments === undefined) return this.refuse(method, channel, payload, 'no_text');
    if (text.length > TEXT_MAX)
      return this.refuse(method, channel, payload, 'msg_too_long', [`text is ${text.length} characters, over ${TEXT_MAX}`]);
    if (Array.isArray(blocks)) {
      const reasons = checkBlocks(blocks, 'message');
      if (reasons.length > 0) return this.refuse(method, channel, payload, 'invalid_blocks', reasons);
      const length = JSON.stringify(blocks).length;
      if (length > BLOCKS_JSON_MAX)
        return this.refuse(method, channel, payload, 'msg_blocks_too_long', [
          `blocks are ${length} characters of JSON, over ${BLOCKS_JSON_MAX}`,
        ]);
    }
    return undefined;
  }

  private refuse(method: string, channel: string | undefined, payload: SlackPayload, error: string, reasons: string[] = []): Answer {
    const rejection: SlackRejection = { method, error, reasons, at: Date.now(), payload };
    if (channel !== undefined) rejection.channel = channel;
    this.rejections.push(rejection);
    if (reasons.length === 0) return fail(error);
    return fail(error, { errors: reasons, response_metadata: { messages: reasons.map((reason) => `[ERROR] ${reason}`) } });
  }

  /** A ts after the channel's last one: "<seconds>.<microseconds>", from the clock, strictly increasing per channel. */
  private nextTs(channel: string): string {
    const micros = Math.max(Date.now() * 1000, (this.lastTs.get(channel) ?? 0) + 100);
    this.lastTs.set(channel, micros);
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  private messageJson(message: SlackMessage): Record<string, unknown> {
    return {
      type: 'message',
      user: message.user,
      bot_id: this.botId,
      app_id: this.appId,
      team: this.teamId,
      text: message.text,
      ts: message.ts,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    };
  }

  private channelInfo(id: string): Record<string, unknown> | undefined {
    const known = this.channels.get(id);
    if (!known && !/^[CGD][A-Z0-9]+$/.test(id)) return undefined;
    const isIm = known?.is_im ?? id.startsWith('D');
    const common = { id, created: 1_700_000_000, is_archived: this.archived.has(id), is_member: !this.left.has(id), is_org_shared: false };
    if (isIm)
      return {
        ...common,
        is_im: true,
        is_channel: false,
        is_group: false,
        is_mpim: false,
        is_private: true,
        user: known?.user ?? `U${id.slice(1)}`,
      };
    const isPrivate = known?.is_private ?? id.startsWith('G');
    return {
      ...common,
      name: known?.name ?? id.toLowerCase(),
      is_im: false,
      is_channel: !isPrivate,
      is_group: isPrivate,
      is_mpim: false,
      is_private: isPrivate,
      is_general: false,
    };
  }

  private userInfo(id: string, includeLocale: boolean): Record<string, unknown> | undefined {
    const known = this.users.get(id) ?? (id === this.botUserId ? { id, name: 'yishi', real_name: 'yishi', is_bot: true } : undefined);
    if (!known && !/^[UW][A-Z0-9]+$/.test(id)) return undefined;
    const user: SlackUser = known ?? { id, name: id.toLowerCase(), real_name: `User ${id}` };
    return {
      id,
      team_id: this.teamId,
      name: user.name,
      real_name: user.real_name,
      deleted: user.deleted ?? false,
      is_bot: user.is_bot ?? false,
      is_app_user: false,
      tz: user.tz ?? 'Asia/Shanghai',
      tz_offset: 28_800,
      profile: { real_name: user.real_name, display_name: user.name, team: this.teamId },
      ...(includeLocale ? { locale: user.locale ?? 'zh-CN' } : {}),
    };
  }
}

function fail(error: string, extra: Record<string, unknown> = {}): Answer {
  return { body: { ok: false, error, ...extra } };
}

function resolveChannel(channel: string): string {
  return /^[UW][A-Z0-9]+$/.test(channel) ? dmChannelId(channel) : channel;
}

function textOf(payload: SlackPayload): string {
  return payload.text === undefined || payload.text === null ? '' : String(payload.text);
}

function parseForm(raw: string): SlackPayload {
  const fields: SlackPayload = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (!JSON_FIELDS.has(key)) {
      fields[key] = value;
      continue;
    }
    try {
      fields[key] = JSON.parse(value);
    } catch {
      fields[key] = value; // left a string: the method answers invalid_blocks_format / invalid_arguments
    }
  }
  return fields;
}

/** All text in blocks (section text and fields, headers, context, button labels, markdown), in order. */
export function blockTexts(blocks: unknown): string[] {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) walk(item);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.text === 'string') texts.push(record.text);
      for (const [key, value] of Object.entries(record)) if (key !== 'text' || typeof value !== 'string') walk(value);
    }
  };
  walk(blocks);
  return texts;
}

const KNOWN_BLOCKS = new Set([
  'section',
  'divider',
  'image',
  'actions',
  'context',
  'input',
  'file',
  'header',
  'video',
  'rich_text',
  'markdown',
  'table',
  'call',
  'context_actions',
]);

/**
 * Block Kit's limits as Slack applies them; each reason is worded like Slack's own ("… [json-pointer:/blocks/0/text/text]").
 * An empty list means Slack would take the blocks (leaving out the cumulative length, which `checkContent` adds).
 */
export function checkBlocks(blocks: unknown, surface: 'message' | 'modal' | 'home', pointer = '/blocks'): string[] {
  const reasons: string[] = [];
  const problem: Problem = (message, at) => {
    reasons.push(`${message} [json-pointer:${at}]`);
  };
  if (!Array.isArray(blocks)) {
    problem('must be an array', pointer);
    return reasons;
  }
  const max = surface === 'message' ? MESSAGE_BLOCKS_MAX : VIEW_BLOCKS_MAX;
  if (blocks.length > max) problem(`no more than ${max} items allowed`, pointer);
  const blockIds = new Set<string>();
  for (const [index, block] of (blocks as unknown[]).entries()) {
    const at = `${pointer}/${index}`;
    if (!isRecord(block) || typeof block.type !== 'string') {
      problem('missing required field: type', at);
      continue;
    }
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length === 0) problem('must be a non-empty string', `${at}/block_id`);
      else if (block.block_id.length > 255) problem('must be less than 256 characters', `${at}/block_id`);
      else if (blockIds.has(block.block_id)) problem(`duplicate block_id: ${block.block_id}`, `${at}/block_id`);
      else blockIds.add(block.block_id);
    }
    switch (block.type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined) problem('must provide either text or fields', at);
        if (block.text !== undefined) checkText(block.text, `${at}/text`, 3000, false, problem);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields)) problem('must be an array', `${at}/fields`);
          else {
            if (block.fields.length > 10) problem('no more than 10 items allowed', `${at}/fields`);
            for (const [i, field] of (block.fields as unknown[]).entries()) checkText(field, `${at}/fields/${i}`, 2000, false, problem);
          }
        }
        if (block.accessory !== undefined) checkElement(block.accessory, `${at}/accessory`, problem);
        break;
      }
      case 'header':
        checkText(block.text, `${at}/text`, 150, true, problem);
        break;
      case 'context': {
        if (!Array.isArray(block.elements) || block.elements.length === 0) {
          problem('must provide at least 1 item', `${at}/elements`);
          break;
        }
        if (block.elements.length > 10) problem('no more than 10 items allowed', `${at}/elements`);
        for (const [i, element] of (block.elements as unknown[]).entries()) {
          if (isRecord(element) && element.type === 'image') checkImage(element, `${at}/elements/${i}`, problem);
          else checkText(element, `${at}/elements/${i}`, 2000, false, problem);
        }
        break;
      }
      case 'actions': {
        if (!Array.isArray(block.elements) || block.elements.length === 0) {
          problem('must provide at least 1 item', `${at}/elements`);
          break;
        }
        if (block.elements.length > 25) problem('no more than 25 items allowed', `${at}/elements`);
        const actionIds = new Set<string>();
        for (const [i, element] of (block.elements as unknown[]).entries()) {
          checkElement(element, `${at}/elements/${i}`, problem);
          const actionId = isRecord(element) ? element.action_id : undefined;
          if (typeof actionId !== 'string') continue;
          if (actionIds.has(actionId)) problem(`duplicate action_id: ${actionId}`, `${at}/elements/${i}/action_id`);
          actionIds.add(actionId);
        }
        break;
      }
      case 'image':
        checkImage(block, at, problem);
        if (block.title !== undefined) checkText(block.title, `${at}/title`, 2000, true, problem);
        break;
      case 'markdown':
        if (typeof block.text !== 'string' || block.text.length === 0) problem('must be a non-empty string', `${at}/text`);
        else if (block.text.length > 12_000) problem('must be less than 12001 characters', `${at}/text`);
        break;
      case 'input':
        checkText(block.label, `${at}/label`, 2000, true, problem);
        if (block.hint !== undefined) checkText(block.hint, `${at}/hint`, 2000, true, problem);
        if (block.element === undefined) problem('missing required field: element', at);
        else checkElement(block.element, `${at}/element`, problem);
        break;
      default:
        if (!KNOWN_BLOCKS.has(block.type)) problem(`unsupported type: ${block.type}`, `${at}/type`);
    }
  }
  return reasons;
}

/** A modal's or Home tab's own limits, then its blocks'. */
export function checkView(view: Record<string, unknown>, kind: 'modal' | 'home'): string[] {
  const reasons: string[] = [];
  const problem: Problem = (message, at) => {
    reasons.push(`${message} [json-pointer:${at}]`);
  };
  if (view.type !== kind) problem(`must be '${kind}'`, '/view/type');
  if (kind === 'modal') {
    checkText(view.title, '/view/title', 24, true, problem);
    if (view.submit !== undefined) checkText(view.submit, '/view/submit', 24, true, problem);
    if (view.close !== undefined) checkText(view.close, '/view/close', 24, true, problem);
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255)
    problem('must be less than 256 characters', '/view/callback_id');
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000)
    problem('must be less than 3001 characters', '/view/private_metadata');
  reasons.push(...checkBlocks(view.blocks ?? [], kind, '/view/blocks'));
  return reasons;
}

type Problem = (message: string, at: string) => void;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkText(text: unknown, at: string, max: number, plainOnly: boolean, problem: Problem): void {
  if (!isRecord(text)) problem('must provide an object', at);
  else if (text.type !== 'plain_text' && (plainOnly || text.type !== 'mrkdwn'))
    problem(plainOnly ? 'must be plain_text' : 'must be plain_text or mrkdwn', `${at}/type`);
  else if (typeof text.text !== 'string' || text.text.length === 0) problem('must be more than 0 characters', `${at}/text`);
  else if (text.text.length > max) problem(`must be less than ${max + 1} characters`, `${at}/text`);
}

function checkImage(image: Record<string, unknown>, at: string, problem: Problem): void {
  if (image.image_url === undefined && image.slack_file === undefined) problem('must provide image_url or slack_file', at);
  if (typeof image.image_url === 'string' && image.image_url.length > 3000) problem('must be less than 3001 characters', `${at}/image_url`);
  if (typeof image.alt_text !== 'string' || image.alt_text.length === 0) problem('must be more than 0 characters', `${at}/alt_text`);
  else if (image.alt_text.length > 2000) problem('must be less than 2001 characters', `${at}/alt_text`);
}

function checkElement(element: unknown, at: string, problem: Problem): void {
  if (!isRecord(element) || typeof element.type !== 'string') {
    problem('missing required field: type', at);
    return;
  }
  if (element.action_id !== undefined && (typeof element.action_id !== 'string' || element.action_id.length > 255))
    problem('must be less than 256 characters', `${at}/action_id`);
  switch (element.type) {
    case 'button':
      checkText(element.text, `${at}/text`, 75, true, problem);
      if (element.value !== undefined && (typeof element.value !== 'string' || element.value.length > 2000))
        problem('must be less than 2001 characters', `${at}/value`);
      if (typeof element.url === 'string' && element.url.length > 3000) problem('must be less than 3001 characters', `${at}/url`);
      if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger')
        problem('must be primary or danger', `${at}/style`);
      break;
    case 'image':
      checkImage(element, at, problem);
      break;
    case 'static_select':
    case 'multi_static_select':
    case 'overflow':
    case 'radio_buttons':
    case 'checkboxes': {
      const options = element.options;
      if (options === undefined && element.option_groups !== undefined) break;
      if (!Array.isArray(options) || options.length === 0) {
        problem('must provide at least 1 item', `${at}/options`);
        break;
      }
      if (options.length > 100) problem('no more than 100 items allowed', `${at}/options`);
      const plainOnly = element.type !== 'radio_buttons' && element.type !== 'checkboxes';
      for (const [i, option] of (options as unknown[]).entries()) {
        if (!isRecord(option)) {
          problem('must provide an object', `${at}/options/${i}`);
          continue;
        }
        checkText(option.text, `${at}/options/${i}/text`, 75, plainOnly, problem);
        if (typeof option.value !== 'string' || option.value.length > 150)
          problem('must be less than 151 characters', `${at}/options/${i}/value`);
      }
      break;
    }
  }
}

// ——— Slack's side towards the app: signed requests, as Slack's servers send them ———

export type SlackHttpResult = {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** How long the app took to answer; Slack gives up (and retries events) after 3 seconds. */
  ms: number;
};

export type SignedRequestOptions = {
  /** Seconds since the epoch to sign with; now by default. */
  timestamp?: number;
  /** Signs (correctly) with a timestamp this many seconds in the past; Slack apps refuse more than 300. */
  staleBySeconds?: number;
  /** true: a well-formed signature made with the wrong secret; a string: that exact x-slack-signature header. */
  forgeSignature?: boolean | string;
  /** Sends neither signature header. */
  omitSignature?: boolean;
  /** Extra or replacing headers. */
  headers?: Record<string, string>;
};

export type EventOptions = SignedRequestOptions & {
  /** The delivery's event_id; a new one by default. Pass the same one with `retryNum` to redeliver. */
  eventId?: string;
  eventTime?: number;
  /** Sends X-Slack-Retry-Num (and X-Slack-Retry-Reason, 'http_timeout' unless given), as Slack does when redelivering. */
  retryNum?: number;
  retryReason?: string;
  teamId?: string;
  apiAppId?: string;
  botUserId?: string;
};

/** Slack's request signature: "v0=" + hex HMAC-SHA256 of "v0:<timestamp>:<body>" under the signing secret. */
export function signSlackRequest(
  secret: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): { 'x-slack-signature': string; 'x-slack-request-timestamp': string } {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${signature}`, 'x-slack-request-timestamp': String(timestamp) };
}

/** Delivers an event in the Events API's JSON envelope; answers with the app's response and the event_id used. */
export async function postEvent(
  appUrl: string,
  secret: string,
  event: Record<string, unknown>,
  options: EventOptions = {},
): Promise<SlackHttpResult & { eventId: string; envelope: Record<string, unknown> }> {
  const eventId = options.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
  const teamId = options.teamId ?? SLACK_TEAM_ID;
  const envelope = {
    token: SLACK_VERIFICATION_TOKEN,
    team_id: teamId,
    context_team_id: teamId,
    api_app_id: options.apiAppId ?? SLACK_APP_ID,
    event: { event_ts: typeof event.ts === 'string' ? event.ts : slackTs(), ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: options.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: [
      { enterprise_id: null, team_id: teamId, user_id: options.botUserId ?? SLACK_BOT_USER_ID, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(8).toString('hex')}`,
  };
  const retry: Record<string, string> =
    options.retryNum === undefined
      ? {}
      : { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': options.retryReason ?? 'http_timeout' };
  const result = await postSigned(appUrl, secret, JSON.stringify(envelope), 'application/json', {
    ...options,
    headers: { ...retry, ...options.headers },
  });
  return { ...result, eventId, envelope };
}

/** The handshake Slack sends when the Request URL is set: the app must answer with the challenge. */
export function urlVerification(
  appUrl: string,
  secret: string,
  challenge = randomBytes(24).toString('base64url'),
  options: SignedRequestOptions = {},
): Promise<SlackHttpResult> {
  return postSigned(
    appUrl,
    secret,
    JSON.stringify({ token: SLACK_VERIFICATION_TOKEN, challenge, type: 'url_verification' }),
    'application/json',
    options,
  );
}

export type SlashCommand = {
  command: string;
  text: string;
  user_id: string;
  user_name: string;
  channel_id: string;
  channel_name: string;
  team_id: string;
  team_domain: string;
  trigger_id: string;
  response_url: string;
  api_app_id: string;
  token: string;
  is_enterprise_install: string;
};

/** A slash command, form-urlencoded as Slack sends it; fields left out take the defaults of `payloads.slashCommand`. */
export function postSlashCommand(
  appUrl: string,
  secret: string,
  fields: Partial<SlashCommand> & { command: string },
  options: SignedRequestOptions = {},
): Promise<SlackHttpResult> {
  const defaults = payloads.slashCommand(defaultUser, defaultChannel, fields.command, fields.text ?? '');
  const body = new URLSearchParams({ ...defaults, ...fields }).toString();
  return postSigned(appUrl, secret, body, 'application/x-www-form-urlencoded', options);
}

/** An interaction (button tap, view submission…), sent as Slack does: form-urlencoded `payload=<json>`. */
export function postInteraction(
  appUrl: string,
  secret: string,
  payload: Record<string, unknown>,
  options: SignedRequestOptions = {},
): Promise<SlackHttpResult> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(appUrl, secret, body, 'application/x-www-form-urlencoded', options);
}

function postSigned(
  url: string,
  secret: string,
  body: string,
  contentType: string,
  options: SignedRequestOptions,
): Promise<SlackHttpResult> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000) - (options.staleBySeconds ?? 0);
  const signed = signSlackRequest(options.forgeSignature === true ? `not-${secret}` : secret, body, timestamp);
  if (typeof options.forgeSignature === 'string') signed['x-slack-signature'] = options.forgeSignature;
  return send(url, body, {
    'content-type': contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    accept: '*/*',
    ...(options.omitSignature ? {} : signed),
    ...options.headers,
  });
}

function send(url: string, body: string, headers: Record<string, string>): Promise<SlackHttpResult> {
  const target = new URL(url);
  const started = Date.now();
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      target,
      { method: 'POST', agent: false, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers))
            if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ status: response.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks).toString(), ms: Date.now() - started });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

// ——— Builders: what Slack sends for typical things people do ———

let counter = 1;
const nextId = (prefix: string) => `${prefix}${String(counter++).padStart(8, '0')}`;
let lastInboundTs = 0;

/** A fresh message ts in Slack's form, "1700000000.000100", strictly increasing across calls. */
export function slackTs(): string {
  lastInboundTs = Math.max(Date.now() * 1000, lastInboundTs + 100);
  return `${Math.floor(lastInboundTs / 1e6)}.${String(lastInboundTs % 1e6).padStart(6, '0')}`;
}

type Person = { id: string; name: string; real_name?: string };
type Place = { id: string; name?: string };

const channelType = (channel: Place) => (channel.id.startsWith('D') ? 'im' : channel.id.startsWith('G') ? 'group' : 'channel');
const channelName = (channel: Place) => channel.name ?? (channel.id.startsWith('D') ? 'directmessage' : channel.id.toLowerCase());

export const payloads = {
  /** A person in the workspace; add it to the stand-in (`addUser`) so users.info answers the same. */
  user(overrides: Partial<SlackUser> = {}): SlackUser {
    const id = overrides.id ?? nextId('U');
    return { id, name: `user${id.slice(1).toLowerCase()}`, real_name: `User ${id}`, locale: 'zh-CN', ...overrides };
  },
  /** A public channel (C…); G… ids or is_private make a private one. */
  channel(overrides: Partial<SlackChannel> = {}): SlackChannel {
    const id = overrides.id ?? nextId('C');
    return {
      id,
      name: `channel-${id.slice(1).toLowerCase()}`,
      is_im: false,
      is_private: id.startsWith('G'),
      is_archived: false,
      ...overrides,
    };
  },
  /** The app's DM with a user: channel D…, the id the stand-in uses when the app posts to the user's id. */
  dm(user: { id: string }): SlackChannel {
    return { id: dmChannelId(user.id), is_im: true, is_private: true, is_archived: false, user: user.id };
  },
  /** A trigger_id as Slack makes them; the stand-in refuses views.open with it (expired_trigger_id) after 3 seconds. */
  triggerId(): string {
    return `${counter++}.${Date.now()}.${randomBytes(16).toString('hex')}`;
  },
  /** A `message` event: someone typed in a channel, a thread (extra.thread_ts) or the app's DM. */
  message(user: Person, channel: Place, text: string, extra: { ts?: string; thread_ts?: string } = {}): Record<string, unknown> {
    const ts = extra.ts ?? slackTs();
    return {
      type: 'message',
      client_msg_id: randomBytes(16).toString('hex'),
      user: user.id,
      team: SLACK_TEAM_ID,
      text,
      ts,
      channel: channel.id,
      channel_type: channelType(channel),
      event_ts: ts,
      ...(extra.thread_ts ? { thread_ts: extra.thread_ts } : {}),
    };
  },
  /** An `app_mention` event: "<@bot> text" in a channel. */
  appMention(
    user: Person,
    channel: Place,
    text: string,
    extra: { ts?: string; thread_ts?: string; botUserId?: string } = {},
  ): Record<string, unknown> {
    const ts = extra.ts ?? slackTs();
    return {
      type: 'app_mention',
      client_msg_id: randomBytes(16).toString('hex'),
      user: user.id,
      team: SLACK_TEAM_ID,
      text: `<@${extra.botUserId ?? SLACK_BOT_USER_ID}> ${text}`,
      ts,
      channel: channel.id,
      event_ts: ts,
      ...(extra.thread_ts ? { thread_ts: extra.thread_ts } : {}),
    };
  },
  appHomeOpened(user: Person, tab: 'home' | 'messages' = 'home'): Record<string, unknown> {
    return { type: 'app_home_opened', user: user.id, channel: dmChannelId(user.id), tab, event_ts: slackTs() };
  },
  memberJoinedChannel(user: Person, channel: Place): Record<string, unknown> {
    return {
      type: 'member_joined_channel',
      user: user.id,
      channel: channel.id,
      channel_type: channelType(channel) === 'channel' ? 'C' : 'G',
      team: SLACK_TEAM_ID,
      event_ts: slackTs(),
    };
  },
  /** A slash command's fields, as strings, ready for `postSlashCommand`. */
  slashCommand(
    user: Person,
    channel: Place,
    command: string,
    text: string,
    extra: { responseUrl?: string; triggerId?: string } = {},
  ): SlashCommand {
    return {
      token: SLACK_VERIFICATION_TOKEN,
      team_id: SLACK_TEAM_ID,
      team_domain: SLACK_TEAM_DOMAIN,
      channel_id: channel.id,
      channel_name: channelName(channel),
      user_id: user.id,
      user_name: user.name,
      command,
      text,
      api_app_id: SLACK_APP_ID,
      is_enterprise_install: 'false',
      response_url:
        extra.responseUrl ?? `https://hooks.slack.com/commands/${SLACK_TEAM_ID}/${counter++}/${randomBytes(12).toString('hex')}`,
      trigger_id: extra.triggerId ?? payloads.triggerId(),
    };
  },
  /** A `block_actions` payload: someone tapped a button on the bot's message `messageTs` in `channel`. */
  buttonTap(
    user: Person,
    channel: Place,
    messageTs: string,
    action: { action_id: string; value?: string; block_id?: string; text?: string },
    extra: { responseUrl?: string; triggerId?: string; ephemeral?: boolean; message?: Record<string, unknown> } = {},
  ): Record<string, unknown> {
    return {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: SLACK_TEAM_ID },
      api_app_id: SLACK_APP_ID,
      token: SLACK_VERIFICATION_TOKEN,
      team: { id: SLACK_TEAM_ID, domain: SLACK_TEAM_DOMAIN },
      enterprise: null,
      is_enterprise_install: false,
      container: { type: 'message', message_ts: messageTs, channel_id: channel.id, is_ephemeral: extra.ephemeral ?? false },
      trigger_id: extra.triggerId ?? payloads.triggerId(),
      channel: { id: channel.id, name: channelName(channel) },
      ...(extra.ephemeral
        ? {}
        : { message: extra.message ?? { type: 'message', ts: messageTs, user: SLACK_BOT_USER_ID, bot_id: SLACK_BOT_ID, text: '…' } }),
      state: { values: {} },
      response_url: extra.responseUrl ?? `https://hooks.slack.com/actions/${SLACK_TEAM_ID}/${counter++}/${randomBytes(12).toString('hex')}`,
      actions: [
        {
          action_id: action.action_id,
          block_id: action.block_id ?? 'actions',
          ...(action.value === undefined ? {} : { value: action.value }),
          type: 'button',
          text: { type: 'plain_text', text: action.text ?? action.action_id, emoji: true },
          action_ts: slackTs(),
        },
      ],
    };
  },
  /** A `view_submission` payload: someone submitted a modal the app opened. */
  viewSubmission(
    user: Person,
    view: { id?: string; callback_id: string; private_metadata?: string; values?: Record<string, Record<string, unknown>> },
  ): Record<string, unknown> {
    return {
      type: 'view_submission',
      team: { id: SLACK_TEAM_ID, domain: SLACK_TEAM_DOMAIN },
      user: { id: user.id, username: user.name, name: user.name, team_id: SLACK_TEAM_ID },
      api_app_id: SLACK_APP_ID,
      token: SLACK_VERIFICATION_TOKEN,
      trigger_id: payloads.triggerId(),
      view: {
        id: view.id ?? nextId('V'),
        type: 'modal',
        team_id: SLACK_TEAM_ID,
        callback_id: view.callback_id,
        private_metadata: view.private_metadata ?? '',
        state: { values: view.values ?? {} },
        app_id: SLACK_APP_ID,
        bot_id: SLACK_BOT_ID,
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
  },
};

const defaultUser = payloads.user({ id: 'U00000001', name: 'tester', real_name: 'Tester' });
const defaultChannel = payloads.channel({ id: 'C00000001', name: 'general' });
