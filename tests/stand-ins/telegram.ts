// A local stand-in for Telegram's Bot API, written for the tests: the real telegraf client talks to it over HTTP as
// it would to api.telegram.org (or to a self-hosted Bot API server). It serves getUpdates with offsets and long
// polling, records every sent message with its time, and answers 429 with retry_after on demand.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type SentMessage = { method: string; chatId: string; text: string; payload: Record<string, unknown>; at: number };
type Waiter = { offset: number; resolve: () => void };

export class TelegramStandIn {
  readonly token = '123456:TEST-token_for-yishi';
  readonly bot = { id: 123456, is_bot: true, first_name: 'yishi', username: 'yishi_test_bot' };
  readonly sent: SentMessage[] = [];
  readonly calls: Array<{ method: string; payload: Record<string, unknown> }> = [];
  /** Every tap answered (answerCallbackQuery), in order: what the tapper saw, if anything. */
  readonly answers: Array<{ id: string; text: string | undefined; alert: boolean; at: number }> = [];
  // The ids in `answers`, so that a burst of 10,000 taps is not checked by scanning every answer so far (read again
  // when a test put answers there itself).
  private answered = new Set<string>();
  /** Queued updates; `raw`, when set, is the update's JSON text exactly as it goes out (for what JSON.stringify cannot make). */
  private readonly updates: Array<Record<string, unknown> & { update_id: number; raw?: string }> = [];
  private confirmed = 0;
  private nextUpdateId = 1000;
  private nextMessageId = 1;
  private waiters: Waiter[] = [];
  private failures: Array<{ method: string; retryAfter: number; skip: number }> = [];
  private server: Server | null = null;
  port = 0;

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    for (const waiter of this.waiters) waiter.resolve();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Queues an update as Telegram would deliver it; returns its update_id. */
  push(update: Record<string, unknown>, updateId = this.nextUpdateId++): number {
    this.updates.push({ update_id: updateId, ...update });
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    return updateId;
  }

  /** Queues an update given as JSON text (say, nested deeper than JSON.stringify can go); returns its update_id. */
  pushRaw(updateJson: string): number {
    const updateId = this.nextUpdateId++;
    this.updates.push({ update_id: updateId, raw: `{"update_id":${updateId},${updateJson.slice(1)}` });
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    return updateId;
  }

  /** The next `count` calls of `method` are refused with 429 and retry_after. */
  rateLimit(method: string, count: number, retryAfter: number): void {
    for (let i = 0; i < count; i++) this.failures.push({ method, retryAfter, skip: 0 });
  }

  /** The `nth` next call of `method` (1 = the next one) is refused with 429 and retry_after; the ones before it pass. */
  rateLimitNth(method: string, nth: number, retryAfter: number): void {
    this.failures.push({ method, retryAfter, skip: nth - 1 });
  }

  /** Highest update_id the bot has confirmed by asking for a later offset. */
  get confirmedUpTo(): number {
    return this.confirmed;
  }

  textsTo(chatId: number | string): string[] {
    return this.sent.filter((m) => m.chatId === String(chatId)).map((m) => m.text);
  }

  async waitFor(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; sent so far:\n${this.sent.map((m) => `${m.chatId}: ${m.text}`).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const payload = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
    const reply = (status: number, json: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(json));
    };
    if (!match || match[1] !== this.token) return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    this.calls.push({ method, payload });
    const failure = this.failures.findIndex((f) => f.method === method);
    if (failure >= 0 && this.failures[failure]!.skip > 0) this.failures[failure]!.skip -= 1;
    else if (failure >= 0) {
      const retryAfter = this.failures.splice(failure, 1)[0]?.retryAfter ?? 1;
      return reply(429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      });
    }
    switch (method) {
      case 'getMe':
        return reply(200, { ok: true, result: this.bot });
      case 'getUpdates': {
        const offset = Number(payload.offset ?? 0);
        if (offset > 0) {
          this.confirmed = Math.max(this.confirmed, offset - 1);
          this.updates.splice(0, this.updates.length, ...this.updates.filter((u) => u.update_id >= offset));
        }
        const ready = () => this.updates.filter((u) => u.update_id >= offset);
        if (ready().length === 0 && Number(payload.timeout ?? 0) > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(Number(payload.timeout) * 1000, 1_000));
            this.waiters.push({
              offset,
              resolve: () => {
                clearTimeout(timer);
                resolve();
              },
            });
          });
        }
        const batch = ready().slice(0, 100);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(`{"ok":true,"result":[${batch.map(({ raw, ...update }) => raw ?? JSON.stringify(update)).join(',')}]}`);
        return;
      }
      case 'sendMessage':
      case 'editMessageText': {
        const chatId = String(payload.chat_id);
        const text = String(payload.text ?? '');
        // Telegram counts the text after entity parsing: tags count nothing, an entity one character.
        const counted = payload.parse_mode === 'HTML' ? text.replace(/<[^>]*>/g, '').replace(/&(?:#\d+|#x[\da-f]+|[a-z]+);/gi, '.') : text;
        if (counted.length > 4096) return reply(400, { ok: false, error_code: 400, description: 'Bad Request: message is too long' });
        if (payload.parse_mode === 'HTML' && /<(?!\/?(b|i|u|s|a|code|pre)\b)/.test(text)) {
          return reply(400, { ok: false, error_code: 400, description: "Bad Request: can't parse entities: unsupported start tag" });
        }
        this.sent.push({ method, chatId, text, payload, at: Date.now() });
        return reply(200, {
          ok: true,
          result: { message_id: this.nextMessageId++, chat: { id: Number(chatId) }, date: Math.floor(Date.now() / 1000), text },
        });
      }
      case 'answerCallbackQuery': {
        // As Telegram: a tap is answered once, with at most 200 characters.
        const id = String(payload.callback_query_id);
        const text = payload.text === undefined ? undefined : String(payload.text);
        if (this.answered.size !== this.answers.length) this.answered = new Set(this.answers.map((answer) => answer.id));
        if (this.answered.has(id))
          return reply(400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
          });
        if (text !== undefined && text.length > 200)
          return reply(400, { ok: false, error_code: 400, description: 'Bad Request: MESSAGE_TOO_LONG' });
        this.answered.add(id);
        this.answers.push({ id, text, alert: payload.show_alert === true, at: Date.now() });
        return reply(200, { ok: true, result: true });
      }
      case 'setMyCommands':
      case 'deleteWebhook':
      case 'setWebhook':
        return reply(200, { ok: true, result: true });
      default:
        return reply(404, { ok: false, error_code: 404, description: `Not Found: method ${method}` });
    }
  }
}

let messageCounter = 1;

/** Update builders: what Telegram sends for a typed message and for a button tap. */
export const updates = {
  text(
    from: { id: number; first_name: string; language_code?: string },
    chat: { id: number; type: 'private' | 'group' | 'supergroup'; title?: string },
    text: string,
  ) {
    return { message: { message_id: messageCounter++, date: Math.floor(Date.now() / 1000), chat, from: { is_bot: false, ...from }, text } };
  },
  tap(
    from: { id: number; first_name: string },
    chat: { id: number; type: 'private' | 'group' | 'supergroup'; title?: string },
    data: string,
  ) {
    return {
      callback_query: {
        id: `cb${messageCounter++}`,
        from: { is_bot: false, ...from },
        chat_instance: 'x',
        data,
        message: { message_id: messageCounter++, date: 0, chat, text: '…' },
      },
    };
  },
};
