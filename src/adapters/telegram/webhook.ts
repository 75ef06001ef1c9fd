import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export type TelegramWebhook = { path: string; secret: string; receive: (update: unknown) => Promise<void> };

/**
 * Telegram's webhook on yishi's HTTP server: the path Telegram posts to, the secret it sends back in a header, and
 * where updates go. A request without the secret is refused (401) before its body is read; a body that is not an
 * update gets 400; a 200 is answered only once the update is recorded.
 */
export function registerTelegramWebhook(app: FastifyInstance, webhook: TelegramWebhook): void {
  if (!webhook.secret) throw new Error('the Telegram webhook needs a secret');
  const expected = digest(webhook.secret);
  app.post(webhook.path, {
    bodyLimit: TELEGRAM_WEBHOOK_BODY_LIMIT,
    // onRequest runs before the body is read: a request without Telegram's secret is refused whatever it carries.
    onRequest: async (request, reply) => {
      const given = request.headers[TELEGRAM_SECRET_HEADER];
      if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
        return reply.code(401).send({ error: 'unauthorized' });
      }
    },
    handler: async (request, reply) => {
      if (!isTelegramUpdate(request.body)) {
        request.log.warn('telegram webhook: the body is not an update (no integer update_id); refused');
        return reply.code(400).send({ error: 'not a Telegram update' });
      }
      // Answered only once the update is in the inbox, so a 200 never stands for an update that could be lost;
      // any other answer makes Telegram send it again.
      try {
        await webhook.receive(request.body);
      } catch (error) {
        request.log.error({ err: error, updateId: request.body.update_id }, 'telegram webhook: update not recorded');
        return reply.code(500).send({ error: 'not recorded, send again' });
      }
      return reply.code(200).send({ ok: true });
    },
  });
}

const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * Telegram's updates are a few kilobytes; 1 MiB leaves room for the longest message with every character escaped
 * and its reply quoted, and still refuses (413) anything larger as soon as it is seen, before it is read in full.
 */
export const TELEGRAM_WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** Hashing both sides gives timingSafeEqual equal lengths and keeps the secret's length out of the timing too. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The least a Telegram update has: a JSON object with an integer update_id. */
function isTelegramUpdate(body: unknown): body is { update_id: number } {
  return (
    typeof body === 'object' && body !== null && !Array.isArray(body) && Number.isSafeInteger((body as { update_id?: unknown }).update_id)
  );
}
