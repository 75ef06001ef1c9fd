import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerTelegramWebhook, TELEGRAM_WEBHOOK_BODY_LIMIT } from '../../../src/adapters/telegram/webhook.js';
import type { HealthReport } from '../../../src/http/health.js';
import { createHttpServer, type HttpServer } from '../../../src/http/server.js';

const health = (): HealthReport => ({
  status: 'ok',
  database: { kind: 'pglite', connected: true },
  migrations: { state: 'applied', applied: 0, latest: null },
  uptimeSeconds: 0,
});

const SECRET = 'Webhook_secret-0123456789abcdef';
const PATH = '/telegram/hook';
const update = { update_id: 7, message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: 'hi' } };

/** A receive that records what it got, and can be made to fail or to wait. */
function recorder() {
  const received: unknown[] = [];
  let behaviour: (update: unknown) => Promise<void> = async () => {};
  return {
    received,
    set(next: (update: unknown) => Promise<void>) {
      behaviour = next;
    },
    reset() {
      received.length = 0;
      behaviour = async () => {};
    },
    receive: async (update: unknown) => {
      await behaviour(update);
      received.push(update);
    },
  };
}

describe('the Telegram webhook route', () => {
  const receiver = recorder();
  let app: HttpServer;

  beforeAll(async () => {
    app = createHttpServer({
      logger: pino({ level: 'silent' }),
      health,
      routes: [(app) => registerTelegramWebhook(app, { path: PATH, secret: SECRET, receive: receiver.receive })],
    });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => receiver.reset());

  const post = (options: { secret?: string; body: string | Buffer; contentType?: string }) =>
    app.inject({
      method: 'POST',
      url: PATH,
      headers: {
        'content-type': options.contentType ?? 'application/json',
        ...(options.secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': options.secret }),
      },
      payload: options.body,
    });

  describe('when the secret is wrong or missing', () => {
    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['wrong', 'not-the-secret-at-all-0000000000'],
      ['a prefix of it', SECRET.slice(0, -1)],
      ['it with more after', `${SECRET}x`],
      ['it in other case', SECRET.toUpperCase()],
    ])('refuses a valid update with 401 (secret %s) and passes nothing on', async (_name, secret) => {
      const reply = await post({ ...(secret === undefined ? {} : { secret }), body: JSON.stringify(update) });
      expect(reply.statusCode).toBe(401);
      expect(receiver.received).toEqual([]);
    });

    it.each([
      ['malformed JSON', { body: '{"update_id": 1,' }],
      ['a content type with no parser', { body: '<update/>', contentType: 'application/xml' }],
      ['an empty body', { body: '' }],
      ['a body over the limit', { body: Buffer.alloc(TELEGRAM_WEBHOOK_BODY_LIMIT + 1, 'a') }],
    ])('refuses %s with 401 before reading it', async (_name, request) => {
      for (const secret of [undefined, 'wrong-secret-wrong-secret-wrong']) {
        const reply = await post({ ...request, ...(secret === undefined ? {} : { secret }) });
        expect(reply.statusCode).toBe(401);
      }
      expect(receiver.received).toEqual([]);
    });
  });

  describe('when the secret is right', () => {
    it('records a valid update, then answers 200', async () => {
      const reply = await post({ secret: SECRET, body: JSON.stringify(update) });
      expect(reply.statusCode).toBe(200);
      expect(receiver.received).toEqual([update]);
    });

    it('answers only once the update is recorded', async () => {
      let release!: () => void;
      receiver.set(() => new Promise<void>((resolve) => (release = resolve)));
      let answered = false;
      const pending = post({ secret: SECRET, body: JSON.stringify(update) }).then((reply) => {
        answered = true;
        return reply;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(answered).toBe(false);
      release();
      expect((await pending).statusCode).toBe(200);
      expect(receiver.received).toHaveLength(1);
    });

    it('answers 5xx when the update could not be recorded, so Telegram sends it again', async () => {
      receiver.set(async () => {
        throw new Error('database down: internal detail');
      });
      const reply = await post({ secret: SECRET, body: JSON.stringify(update) });
      expect(reply.statusCode).toBeGreaterThanOrEqual(500);
      expect(reply.body).not.toContain('internal detail');
    });

    it('refuses malformed JSON with 400', async () => {
      const reply = await post({ secret: SECRET, body: '{"update_id": 1,' });
      expect(reply.statusCode).toBe(400);
      expect(receiver.received).toEqual([]);
    });

    it.each([
      ['[]'],
      ['null'],
      ['"x"'],
      ['42'],
      ['{}'],
      ['{"update_id":"7"}'],
      ['{"update_id":7.5}'],
      ['{"update_id":null}'],
      ['[{"update_id":7}]'],
    ])('refuses %s with 400: it cannot be a Telegram update', async (body) => {
      const reply = await post({ secret: SECRET, body });
      expect(reply.statusCode).toBe(400);
      expect(receiver.received).toEqual([]);
    });

    it('refuses a body that is not JSON with 415', async () => {
      const reply = await post({ secret: SECRET, body: 'update_id=7', contentType: 'application/x-www-form-urlencoded' });
      expect(reply.statusCode).toBe(415);
      expect(receiver.received).toEqual([]);
    });

    it('refuses a body over the limit with 413', async () => {
      const text = 'a'.repeat(TELEGRAM_WEBHOOK_BODY_LIMIT);
      const reply = await post({ secret: SECRET, body: JSON.stringify({ ...update, message: { ...update.message, text } }) });
      expect(reply.statusCode).toBe(413);
      expect(receiver.received).toEqual([]);
    });
  });
});

describe('the Telegram webhook route over a real socket', () => {
  const receiver = recorder();
  let app: HttpServer;
  let port: number;

  beforeAll(async () => {
    app = createHttpServer({
      logger: pino({ level: 'silent' }),
      health,
      routes: [(app) => registerTelegramWebhook(app, { path: PATH, secret: SECRET, receive: receiver.receive })],
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await app.close();
  });

  /** Streams `size` bytes without a Content-Length, so the limit can only be found while reading. */
  const streamed = (secret: string | undefined, size: number) =>
    new Promise<number>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          path: PATH,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
            ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }),
          },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      // The server may answer and close before everything is written; the status is what counts.
      request.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
      );
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const writeMore = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', writeMore);
        }
        request.end();
      };
      writeMore();
    });

  it('refuses an oversized streamed body with 413 when the secret is right, and keeps serving', async () => {
    expect(await streamed(SECRET, 3 * TELEGRAM_WEBHOOK_BODY_LIMIT)).toBe(413);
    expect(receiver.received).toEqual([]);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
  });

  it('refuses an oversized streamed body with 401 when the secret is missing', async () => {
    expect(await streamed(undefined, 3 * TELEGRAM_WEBHOOK_BODY_LIMIT)).toBe(401);
    expect(receiver.received).toEqual([]);
  });

  it('takes a valid update with the right secret', async () => {
    const response = await fetch(`http://127.0.0.1:${port}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
    expect(response.status).toBe(200);
    expect(receiver.received).toEqual([update]);
  });
});
