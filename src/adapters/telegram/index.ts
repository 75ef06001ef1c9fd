import { OperatorError } from '../../core/errors.js';
import type { AdapterPlugin } from '../shared/port.js';
import type { TelegramAdapter, TelegramConfig } from './bot.js';
import type { Update } from './translate.js';
import { registerTelegramWebhook } from './webhook.js';

/** Telegram as a plug-in: long polling, or the webhook route when TELEGRAM_WEBHOOK_URL is set. */
export const telegram: AdapterPlugin<TelegramConfig, TelegramAdapter> = {
  platform: 'telegram',
  routes(http, settings, current) {
    if (!settings.webhookUrl || !settings.webhookSecret) return;
    registerTelegramWebhook(http, {
      path: new URL(settings.webhookUrl).pathname,
      secret: settings.webhookSecret,
      receive: async (update) => {
        const adapter = current();
        if (!adapter) throw new Error('telegram adapter not ready');
        await adapter.receive([update as Update]);
      },
    });
  },
  async create(settings, deps) {
    // telegraf is loaded only where Telegram is configured.
    const { createTelegramAdapter } = await import('./bot.js');
    try {
      return await createTelegramAdapter({ config: settings, i18n: deps.i18n, logger: deps.logger, record: deps.record });
    } catch (error) {
      throw new OperatorError(
        'telegram_unreachable',
        { apiRoot: settings.apiRoot, reason: String((error as Error).message ?? error) },
        { cause: error },
      );
    }
  },
};
