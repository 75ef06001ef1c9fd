import { LogLevel, SocketModeClient } from '@slack/socket-mode';
import { type ChatPostMessageResponse, ErrorCode, WebClient } from '@slack/web-api';
import type { i18n } from 'i18next';
import type { Logger } from '../../core/logger.js';
import { DeliveryError, type OutboundPort } from '../../delivery/delivery.js';
import { createPacer, type PlatformLimits } from '../../delivery/rate-window.js';
import type { InboundEvent } from '../../inbox/inbox.js';
import { renderNotice } from '../../render/index.js';
import type { ChatAdapter } from '../shared/port.js';
import { ownersVoteModal, pollModal } from './poll-modal.js';
import type { SlackRequest } from './receiver.js';
import { toBlockKit } from './render.js';
import { actingUser, type StoredSlackRequest, storedRequest, translateSlack } from './translate.js';

/** Requests come over HTTP when `signingSecret` is set, over a Socket Mode connection when `appToken` is. */
export type SlackConfig = { botToken: string; signingSecret?: string; appToken?: string; apiUrl?: string };

/**
 * Slack's limits, each window a tenth longer than published: posting is limited per channel, about one message a
 * second (short bursts tolerated, never relied on); `chat.update` and `views.publish` are tier-3 methods, about 50 a
 * minute for the app as a whole. https://api.slack.com/methods/chat.postMessage#rate_limiting and
 * https://api.slack.com/apis/rate-limits
 */
export const slackLimits: { posts: PlatformLimits; updates: PlatformLimits; ephemeral: PlatformLimits } = {
  posts: { bot: [], privateChat: [{ max: 1, perMs: 1_100 }], groupChat: [{ max: 1, perMs: 1_100 }] },
  updates: { bot: [{ max: 50, perMs: 66_000 }], privateChat: [], groupChat: [] },
  ephemeral: { bot: [{ max: 100, perMs: 66_000 }], privateChat: [], groupChat: [] },
};

/** A Socket Mode envelope as the request it stands for over HTTP; null for kinds yishi does not take. */
function socketRequest(type: string, body: Record<string, unknown>): SlackRequest | null {
  if (type === 'events_api') return { kind: 'event', body: body as Extract<SlackRequest, { kind: 'event' }>['body'] };
  if (type === 'slash_commands') return { kind: 'command', fields: body as Record<string, string> };
  if (type === 'interactive') return { kind: 'interaction', payload: body };
  return null;
}

/** Slack's answers after which nothing more is posted in a conversation: the app is not there, or the conversation is gone. */
const conversationGone = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'account_inactive', 'user_not_found']);

/** The commands that, typed with nothing after them, open a modal instead. */
const modals: Record<string, typeof pollModal> = { poll: pollModal, ownersvote: ownersVoteModal };

/** Notices that only the person who typed or tapped needs to see. */
const refusals = new Set(['command.refused', 'command.failed']);

type SlackError = { code?: string; retryAfter?: number; data?: { error?: string } };

/** Whether a Web API error is worth retrying, and when; and whether the conversation is closed to the app. */
function classify(error: unknown): { delivery: DeliveryError; gone: boolean } {
  const { code, retryAfter, data } = error as SlackError;
  if (code === ErrorCode.RateLimitedError)
    return { delivery: new DeliveryError('ratelimited', { retryAfterMs: (retryAfter ?? 1) * 1000 }), gone: false };
  if (code === ErrorCode.PlatformError) {
    const reason = data?.error ?? 'error';
    return { delivery: new DeliveryError(reason, { permanent: true }), gone: conversationGone.has(reason) };
  }
  return { delivery: new DeliveryError(String((error as Error).message ?? error)), gone: false };
}

/**
 * The Slack adapter's transport. Receiving: Slack's signed HTTP requests, recorded in the inbox before Slack is
 * answered. Sending: the delivery loop calls `send`, which renders Block Kit in the notice's language within Slack's
 * limits. The Web API client's own retries are off: `chat.postMessage` has no idempotency key, so a retry after a lost
 * response would post twice; the delivery loop owns retries and records each message's `ts` as it returns, so a crash
 * can repeat at most the one message in flight.
 */
export async function createSlackAdapter(deps: {
  config: SlackConfig;
  i18n: i18n;
  logger: Logger;
  record: (events: InboundEvent[]) => Promise<number>;
  limits?: typeof slackLimits;
}): Promise<SlackAdapter> {
  const client = new WebClient(deps.config.botToken, {
    ...(deps.config.apiUrl ? { slackApiUrl: deps.config.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const auth = await client.auth.test();
  const botUserId = String(auth.user_id);
  const teamId = String(auth.team_id);
  const log = deps.logger.child({ platform: 'slack', team: teamId });
  const limits = deps.limits ?? slackLimits;
  const pacers = { posts: createPacer(limits.posts), updates: createPacer(limits.updates), ephemeral: createPacer(limits.ephemeral) };

  /** Records a verified request; a conversation the app was removed from is recorded too (as the engine's chat.left). */
  async function receive(request: SlackRequest): Promise<void> {
    let stored: StoredSlackRequest | null = null;
    if (request.kind === 'event' && request.body.type === 'event_callback' && request.body.event_id)
      stored = storedRequest(
        request.body.team_id ?? teamId,
        { kind: 'event', botUserId, event: request.body.event as never },
        request.body.event_id,
      );
    else if (request.kind === 'command') {
      const modal = modals[request.fields.text?.trim().toLowerCase() ?? ''];
      if (modal && (await openModal(request.fields, modal))) return;
      stored = storedRequest(request.fields.team_id ?? teamId, { kind: 'command', fields: request.fields as never });
    } else if (request.kind === 'interaction') {
      const team = (request.payload.team as { id?: string } | undefined)?.id ?? teamId;
      stored = storedRequest(team, { kind: 'interaction', payload: request.payload as never });
    }
    if (!stored) return;
    const user = actingUser(stored);
    const locale = user ? await localeOf(user) : null;
    if (locale) stored.userLocale = locale;
    await deps.record([{ eventId: stored.eventId, payload: stored }]);
  }

  // Each member's Slack language (users.info with include_locale), asked once per member per process: the engine
  // answers in it unless the member chose a language with /language.
  const locales = new Map<string, string | null>();
  async function localeOf(user: string): Promise<string | null> {
    if (locales.has(user)) return locales.get(user)!;
    let locale: string | null = null;
    try {
      const answer = await Promise.race([
        client.users.info({ user, include_locale: true }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('users.info took over a second')), 1_000).unref()),
      ]);
      locale = answer.user?.locale ?? null;
    } catch (error) {
      // Not cached: asked again next time. The request is recorded meanwhile, answered in the community's language.
      log.debug({ err: error, user }, 'slack: a member’s language could not be read');
      return null;
    }
    if (locales.size >= 10_000) locales.delete(locales.keys().next().value!);
    locales.set(user, locale);
    return locale;
  }

  /**
   * `/yishi poll` or `/yishi ownersvote` with nothing after it opens its modal (in the member's Slack language, else
   * Chinese); the submission arrives as an interaction. False when the modal cannot be opened: the command then gets
   * its usage.
   */
  async function openModal(fields: Record<string, string>, modal: typeof pollModal): Promise<boolean> {
    try {
      const locale = await localeOf(fields.user_id!);
      const t = deps.i18n.getFixedT(locale?.startsWith('en') ? 'en' : 'zh-CN');
      await client.views.open({
        trigger_id: fields.trigger_id!,
        view: modal(t, { id: fields.channel_id!, name: fields.channel_name }) as never,
      });
      return true;
    } catch (error) {
      log.warn({ err: error }, 'slack: a modal could not be opened; the command gets its usage');
      return false;
    }
  }

  /** The app can no longer post in `channel`: told to the engine once, through the inbox, so nothing more goes there. */
  async function conversationClosed(channel: string, reason: string): Promise<void> {
    log.warn({ channel, reason }, 'slack: conversation closed to the app; nothing more is posted there, its binding is kept');
    const stored = storedRequest(
      teamId,
      { kind: 'event', botUserId, event: { type: 'channel_left', channel } },
      `closed:${channel}:${reason}`,
    );
    await deps.record([{ eventId: stored.eventId, payload: stored }]);
  }

  async function call<T>(
    notice: { chat: { platformChatId: string; kind: 'private' | 'group' } },
    signal: AbortSignal,
    run: () => Promise<T>,
    pacer: keyof typeof pacers = 'posts',
  ) {
    try {
      return await pacers[pacer].run(notice.chat, run, signal);
    } catch (error) {
      const { delivery, gone } = classify(error);
      if (gone) await conversationClosed(notice.chat.platformChatId, delivery.message);
      throw delivery;
    }
  }

  const outbound: OutboundPort = {
    platform: 'slack',
    async send(notice, calls) {
      const t = deps.i18n.getFixedT(notice.locale);
      const messages = toBlockKit(renderNotice(t, notice, { timeZone: notice.chat.timezone }));
      const channel = notice.chat.platformChatId;
      if (notice.editMessageId) {
        const ts = notice.editMessageId;
        await call(
          notice,
          calls.signal,
          () => client.chat.update({ channel, ts, text: messages[0]!.text, blocks: messages[0]!.blocks as never }),
          'updates',
        );
        return { messageId: ts };
      }
      // A member's home is their App Home tab, published for them alone (Slack allows 100 blocks there).
      if (notice.type === 'member.home' && notice.replyToMessageId) {
        const blocks = messages.flatMap((message) => message.blocks).slice(0, 100);
        await call(
          notice,
          calls.signal,
          () => client.views.publish({ user_id: notice.replyToMessageId!, view: { type: 'home', blocks } as never }),
          'updates',
        );
        return { messageId: `home:${notice.replyToMessageId}` };
      }
      // Slack shows a tap as answered once its request is; nothing more is owed.
      if (notice.type === 'tap.answered') return { messageId: '' };
      // A tap's answer, and a refusal, answer the one who tapped or typed: shown to them alone, not posted to the
      // channel (a DM is theirs anyway). Ephemeral messages are not the channel's: they have their own limit.
      const user = notice.answersTap ?? (refusals.has(notice.type) ? notice.replyToMessageId : null);
      if (user && notice.chat.kind === 'group') {
        let messageTs = '';
        for (const message of messages.slice(notice.partsSent)) {
          const sent = await call(
            notice,
            calls.signal,
            () => client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks as never }),
            'ephemeral',
          );
          messageTs = String(sent.message_ts ?? '');
        }
        return { messageId: messageTs };
      }
      let messageId = notice.platformMessageId ?? '';
      for (const [index, message] of messages.entries()) {
        if (index < notice.partsSent) continue;
        const sent = (await call(notice, calls.signal, () =>
          client.chat.postMessage({
            channel,
            text: message.text,
            blocks: message.blocks as never,
            unfurl_links: false,
            unfurl_media: false,
          }),
        )) as ChatPostMessageResponse;
        messageId = String(sent.ts);
        if (index < messages.length - 1) await calls.partSent(index + 1, messageId);
      }
      return { messageId };
    },
  };

  // Socket Mode: Slack's requests come over a WebSocket the app opens (no public URL); each envelope is recorded
  // before it is acknowledged, so an envelope Slack sends again (retry_attempt) is a no-op, as over HTTP.
  const socket = deps.config.appToken
    ? new SocketModeClient({
        appToken: deps.config.appToken,
        logLevel: LogLevel.WARN,
        ...(deps.config.apiUrl ? { clientOptions: { slackApiUrl: deps.config.apiUrl } } : {}),
      })
    : null;
  socket?.on('slack_event', async ({ ack, type, body }: { ack: () => Promise<void>; type: string; body: Record<string, unknown> }) => {
    const request = socketRequest(type, body);
    try {
      if (request) await receive(request);
      await ack();
    } catch (error) {
      // Not acknowledged: Slack sends the envelope again.
      log.warn({ err: error, type }, 'slack: a Socket Mode envelope could not be recorded; Slack will resend it');
    }
  });

  return {
    platform: 'slack',
    translate: translateSlack,
    outbound,
    receive,
    botUserId,
    readyMessage: (t) =>
      t(socket ? 'operator:start.slack_socket_ready' : 'operator:start.slack_ready', { team: String(auth.team ?? teamId) }),
    async start() {
      await socket?.start();
    },
    async stop() {
      await socket?.disconnect();
    },
  };
}

export type SlackAdapter = ChatAdapter & { botUserId: string; receive(request: SlackRequest): Promise<void> };
