import type { i18n } from 'i18next';
import { Telegram } from 'telegraf';
import type { Logger } from '../../core/logger.js';
import type { DeliveryError as DeliveryErrorType, OutboundPort } from '../../delivery/delivery.js';
import { DeliveryError } from '../../delivery/delivery.js';
import { createPacer, type PlatformLimits } from '../../delivery/rate-window.js';
import { commandSpec, menuCommands } from '../../engine/capabilities.js';
import type { InboundEvent } from '../../inbox/inbox.js';
import { documentToText, renderNotice } from '../../render/index.js';
import type { ChatAdapter } from '../shared/port.js';
import { telegramMessages } from './render.js';
import { eventIdOf, type StoredUpdate, translateUpdate, type Update } from './translate.js';

export type TelegramConfig = { token: string; apiRoot: string; webhookUrl?: string; webhookSecret?: string };

/**
 * Telegram's published limits, each window a tenth longer than published (never run at the edge of a limit whose exact
 * counting Telegram does not document): about 30 messages a second per bot, one a second per chat, and 20 a minute
 * per group. https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
 */
export const telegramLimits: PlatformLimits = {
  bot: [{ max: 30, perMs: 1_100 }],
  privateChat: [{ max: 1, perMs: 1_100 }],
  groupChat: [
    { max: 1, perMs: 1_100 },
    { max: 20, perMs: 66_000 },
  ],
};

/** The longest answer Telegram shows for a tap (answerCallbackQuery's text: 0-200 characters). */
const toastLimit = 200;

/** Whether an error from the Bot API is worth retrying, and when. */
function classify(error: unknown): DeliveryErrorType {
  const response = (error as { response?: { error_code?: number; description?: string; parameters?: { retry_after?: number } } }).response;
  const code = response?.error_code;
  const description = response?.description ?? String(error);
  if (code === 429) return new DeliveryError(description, { retryAfterMs: (response?.parameters?.retry_after ?? 1) * 1000 });
  if (code === 400 || code === 403 || code === 401) return new DeliveryError(description, { permanent: true });
  return new DeliveryError(description);
}

/**
 * The Telegram adapter's transport. Receiving: long polling with getUpdates (or a webhook); every update is recorded
 * in the inbox before its offset is confirmed or its webhook request answered, so a crash or a failing update loses
 * nothing and stops nothing, and a redelivered update is a no-op. Button taps are answered at once so no spinner
 * hangs. Sending: the delivery loop calls `send`, which renders in the notice's language and keeps Telegram's limits.
 */
export async function createTelegramAdapter(deps: {
  config: TelegramConfig;
  i18n: i18n;
  logger: Logger;
  record: (events: InboundEvent[]) => Promise<number>;
  /** Telegram's limits unless given (tests scale them down to see a minute's window in seconds). */
  limits?: PlatformLimits;
}): Promise<TelegramAdapter> {
  const telegram = new Telegram(deps.config.token, { apiRoot: deps.config.apiRoot });
  const me = await telegram.getMe();
  const log = deps.logger.child({ platform: 'telegram', bot: me.username });
  const abort = new AbortController();
  let polling: Promise<void> | null = null;
  const pacer = createPacer(deps.limits ?? telegramLimits);

  async function receive(updates: Update[]): Promise<void> {
    await deps.record(
      updates.map((update) => ({
        eventId: eventIdOf(me.id, update),
        payload: { botId: me.id, botUsername: me.username, update } satisfies StoredUpdate,
      })),
    );
    // A tap the engine takes is answered by it, with what it did (a toast); any other is answered now, so no spinner hangs.
    for (const update of updates) {
      if (update.callback_query && !translateUpdate({ botId: me.id, botUsername: me.username, update })?.tapId) {
        telegram.answerCbQuery(update.callback_query.id).catch((error: unknown) => log.debug({ err: error }, 'answerCallbackQuery failed'));
      }
    }
  }

  async function poll(): Promise<void> {
    let offset = 0;
    let backoff = 500;
    while (!abort.signal.aborted) {
      try {
        const updates = (await telegram.callApi(
          'getUpdates',
          { offset, timeout: 25, allowed_updates: ['message', 'callback_query', 'my_chat_member'] },
          { signal: abort.signal as never },
        )) as unknown as Update[];
        if (updates.length > 0) {
          await receive(updates);
          offset = updates.at(-1)!.update_id + 1;
        }
        backoff = 500;
      } catch (error) {
        if (abort.signal.aborted) return;
        log.warn({ err: error }, 'getUpdates failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  async function publishMenus(): Promise<void> {
    for (const [language, locale] of [
      ['zh', 'zh-CN'],
      ['en', 'en'],
    ] as const) {
      const t = deps.i18n.getFixedT(locale);
      const describe = (names: string[]) =>
        names.map((command) => ({ command, description: t(commandSpec(command)?.summaryKey ?? command).slice(0, 256) }));
      await telegram.setMyCommands(describe(menuCommands('private')), { scope: { type: 'all_private_chats' }, language_code: language });
      await telegram.setMyCommands(describe(menuCommands('group')), { scope: { type: 'all_group_chats' }, language_code: language });
    }
  }

  /**
   * Answers a tap with a toast (a refusal as an alert the member dismisses). False when the answer must be posted as
   * a reply instead: too long for a toast, or a refusal whose tap expired (Telegram keeps a tap answerable for
   * seconds only); a confirmation whose tap expired is dropped, since the card it changed shows it.
   */
  async function answerTap(callbackQueryId: string, type: string, text: string): Promise<boolean> {
    const refusal = type === 'command.refused' || type === 'command.failed';
    const fits = text.length <= toastLimit;
    try {
      await telegram.answerCbQuery(callbackQueryId, fits ? text || undefined : undefined, { show_alert: fits && refusal });
    } catch (error) {
      const description = String((error as { description?: string }).description ?? error);
      if (!/query is too old|query ID is invalid/i.test(description)) throw classify(error);
      log.info({ type }, 'a tap expired before it was answered');
      return !refusal;
    }
    return fits;
  }

  const outbound: OutboundPort = {
    platform: 'telegram',
    async send(notice, calls) {
      const t = deps.i18n.getFixedT(notice.locale);
      const document = renderNotice(t, notice, { timeZone: notice.chat.timezone });
      if (notice.answersTap && (await answerTap(notice.answersTap, notice.type, documentToText(document)))) return { messageId: '' };
      const messages = telegramMessages(document);
      if (notice.editMessageId) {
        // A live update of an earlier message: one message, edited in place; "not modified" is fine.
        const replyMarkup = messages.at(-1)?.replyMarkup;
        try {
          await pacer.run(
            notice.chat,
            () =>
              telegram.editMessageText(notice.chat.platformChatId, Number(notice.editMessageId), undefined, messages[0]!.text, {
                parse_mode: 'HTML',
                ...(replyMarkup ? { reply_markup: replyMarkup } : {}),
              }),
            calls.signal,
          );
        } catch (error) {
          if (!/message is not modified/.test(String((error as { description?: string }).description ?? error))) throw classify(error);
        }
        return { messageId: notice.editMessageId };
      }
      let messageId = notice.platformMessageId ?? '';
      for (const [index, message] of messages.entries()) {
        if (index < notice.partsSent) continue;
        try {
          const sent = await pacer.run(
            notice.chat,
            () =>
              telegram.sendMessage(notice.chat.platformChatId, message.text, {
                parse_mode: 'HTML',
                link_preview_options: { is_disabled: true },
                ...(message.replyMarkup ? { reply_markup: message.replyMarkup } : {}),
                ...(index === 0 && notice.replyToMessageId
                  ? { reply_parameters: { message_id: Number(notice.replyToMessageId), allow_sending_without_reply: true } }
                  : {}),
              }),
            calls.signal,
          );
          messageId = String(sent.message_id);
        } catch (error) {
          throw classify(error);
        }
        if (index < messages.length - 1) await calls.partSent(index + 1, messageId);
      }
      return { messageId };
    },
  };

  return {
    platform: 'telegram',
    translate: translateUpdate,
    me,
    outbound,
    /** For the webhook route: records updates. */
    receive,
    readyMessage: (t) =>
      t('operator:start.telegram_ready', { bot: me.username, mode: deps.config.webhookUrl ? 'webhook' : 'long polling' }),
    async start(): Promise<void> {
      await publishMenus().catch((error: unknown) => log.warn({ err: error }, 'setMyCommands failed; the menus keep their old text'));
      if (deps.config.webhookUrl) {
        await telegram.setWebhook(deps.config.webhookUrl, {
          secret_token: deps.config.webhookSecret,
          allowed_updates: ['message', 'callback_query', 'my_chat_member'],
        });
        log.info({ url: deps.config.webhookUrl }, 'telegram webhook set');
      } else {
        await telegram.deleteWebhook();
        polling = poll();
        log.info('telegram long polling started');
      }
    },
    async stop(): Promise<void> {
      abort.abort();
      await polling;
    },
  };
}

export type TelegramAdapter = ChatAdapter & {
  me: { id: number; username: string };
  receive(updates: Update[]): Promise<void>;
};
