import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { LocalChatMessage } from '../../delivery/local-transcript.js';
import { commandSpec, commandsOffered } from '../../engine/capabilities.js';
import type { DemoPersona, DemoWorld } from '../../engine/modules/setup/demo.js';

type ChatBinding = DemoWorld['chats'][number]['binding'];

import { maxTypedLength, type WebChatAdapter } from './adapter.js';

const publicDir = fileURLToPath(new URL('../../../src/adapters/web/public/', import.meta.url));
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const heartbeatMs = 15_000;

type ErrorCode =
  | 'not_ready'
  | 'no_demo'
  | 'persona_unknown'
  | 'chat_unknown'
  | 'message_unknown'
  | 'button_unknown'
  | 'field_invalid'
  | 'text_empty'
  | 'text_too_long';

const errorStatus: Record<ErrorCode, number> = {
  not_ready: 503,
  no_demo: 404,
  persona_unknown: 404,
  chat_unknown: 404,
  message_unknown: 404,
  button_unknown: 400,
  field_invalid: 400,
  text_empty: 400,
  text_too_long: 400,
};

// Whole keys, so the locale completeness test sees each one.
const errorKeys: Record<ErrorCode, string> = {
  not_ready: 'webapi:errors.not_ready',
  no_demo: 'webapi:errors.no_demo',
  persona_unknown: 'webapi:errors.persona_unknown',
  chat_unknown: 'webapi:errors.chat_unknown',
  message_unknown: 'webapi:errors.message_unknown',
  button_unknown: 'webapi:errors.button_unknown',
  field_invalid: 'webapi:errors.field_invalid',
  text_empty: 'webapi:errors.text_empty',
  text_too_long: 'webapi:errors.text_too_long',
};

class WebChatRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

const text = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;

/**
 * The web chat's page and JSON API (see the README): the world (personas and chats), each chat's messages, typing
 * and tapping, the command menu, and the live stream of new and edited messages as server-sent events.
 */
export function registerWebChatRoutes(app: FastifyInstance, current: () => WebChatAdapter | null): void {
  // Its own scope: the error handler below answers for these routes only.
  void app.register(async (scope) => webChatRoutes(scope, current));
}

function webChatRoutes(app: FastifyInstance, current: () => WebChatAdapter | null): void {
  const files = new Set(readdirSync(publicDir));

  function adapter(): WebChatAdapter {
    const running = current();
    if (!running) throw new WebChatRefusal('not_ready');
    return running;
  }

  async function worldOf(web: WebChatAdapter): Promise<DemoWorld> {
    const world = await web.world();
    if (!world) throw new WebChatRefusal('no_demo');
    return world;
  }

  function personaOf(world: DemoWorld, id: unknown): DemoPersona {
    const persona = world.personas.find((candidate) => candidate.id === id);
    if (!persona) throw new WebChatRefusal('persona_unknown', { persona: String(id ?? '') });
    return persona;
  }

  /** The chats a persona sees: every group, and its own private chat with the bot. */
  function chatOf(
    world: DemoWorld,
    persona: DemoPersona,
    chatId: string,
  ): { id: string; title?: string; binding: ChatBinding | null; building: string | null } {
    if (chatId === `dm-${persona.id}`) return { id: chatId, binding: null, building: null };
    const group = world.chats.find((chat) => chat.id === chatId);
    if (!group) throw new WebChatRefusal('chat_unknown', { chat: chatId });
    return { id: group.id, title: group.title, binding: group.binding, building: group.building };
  }

  /** The running adapter, and the persona and chat a request names, each refused with its own code when unknown. */
  async function speaker(personaId: unknown, chatId: string) {
    const web = adapter();
    const world = await worldOf(web);
    const persona = personaOf(world, personaId);
    return { web, persona, chat: chatOf(world, persona, chatId) };
  }

  const visibleChats = (world: DemoWorld, persona: DemoPersona) => [...world.chats.map((chat) => chat.id), `dm-${persona.id}`];

  app.setErrorHandler((error, request, reply) => {
    if (!(error instanceof WebChatRefusal)) {
      request.log.error({ err: error }, 'web chat request failed');
      return reply.code((error as { statusCode?: number }).statusCode ?? 500).send({ error: 'internal' });
    }
    const locale = (request.query as { locale?: string } | undefined)?.locale === 'en' ? 'en' : 'zh-CN';
    const t = current()?.i18n.getFixedT(locale);
    return reply
      .code(errorStatus[error.code])
      .send({ error: error.code, message: t ? t(errorKeys[error.code], error.params) : error.code });
  });

  const sendFile = (reply: FastifyReply, name: string) =>
    reply
      .header('content-type', contentTypes[path.extname(name)] ?? 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .send(readFileSync(path.join(publicDir, name)));

  app.get('/', async (_request, reply) => sendFile(reply, 'index.html'));
  app.get<{ Params: { file: string } }>('/webchat/:file', async (request, reply) => {
    if (!files.has(request.params.file)) return reply.code(404).send({ error: 'not_found' });
    return sendFile(reply, request.params.file);
  });

  app.get('/webchat/api/world', async () => worldOf(adapter()));

  app.get<{ Querystring: { locale?: string } }>('/webchat/api/strings', async (request) => {
    const locale = request.query.locale === 'en' ? 'en' : 'zh-CN';
    return adapter().i18n.getResourceBundle(locale, 'webchat') ?? {};
  });

  app.get<{ Params: { chatId: string }; Querystring: { persona?: string; after?: string } }>(
    '/webchat/api/chats/:chatId/messages',
    async (request) => {
      const { web, persona, chat } = await speaker(request.query.persona, request.params.chatId);
      return { messages: await web.transcript.since([chat.id], afterOf(request.query.after), persona.id) };
    },
  );

  app.post<{ Params: { chatId: string }; Body: { persona?: unknown; text?: unknown; clientMessageId?: unknown } }>(
    '/webchat/api/chats/:chatId/messages',
    { bodyLimit: 64 * 1024 },
    async (request, reply) => {
      const body = request.body ?? {};
      const { web, persona, chat } = await speaker(body.persona, request.params.chatId);
      if (!text(body.clientMessageId, 100)) throw new WebChatRefusal('field_invalid', { field: 'clientMessageId' });
      if (typeof body.text !== 'string') throw new WebChatRefusal('field_invalid', { field: 'text' });
      if (body.text.trim().length === 0) throw new WebChatRefusal('text_empty');
      if (body.text.length > maxTypedLength) throw new WebChatRefusal('text_too_long', { max: maxTypedLength });
      const { duplicate } = await web.post({
        persona,
        chatId: chat.id,
        ...(chat.title ? { chatTitle: chat.title } : {}),
        text: body.text,
        clientMessageId: body.clientMessageId,
      });
      return reply.code(202).send({ accepted: true, duplicate });
    },
  );

  app.post<{ Params: { chatId: string }; Body: { persona?: unknown; messageId?: unknown; buttonId?: unknown; clientTapId?: unknown } }>(
    '/webchat/api/chats/:chatId/taps',
    { bodyLimit: 16 * 1024 },
    async (request, reply) => {
      const body = request.body ?? {};
      const { web, persona, chat } = await speaker(body.persona, request.params.chatId);
      if (!text(body.clientTapId, 100)) throw new WebChatRefusal('field_invalid', { field: 'clientTapId' });
      if (!Number.isSafeInteger(body.messageId)) throw new WebChatRefusal('field_invalid', { field: 'messageId' });
      const message = await web.transcript.find(body.messageId as number);
      if (!message || message.chatId !== chat.id) throw new WebChatRefusal('message_unknown');
      if (!message.buttons.some((button) => button.id === body.buttonId)) throw new WebChatRefusal('button_unknown');
      await web.tap({
        persona,
        chatId: chat.id,
        ...(chat.title ? { chatTitle: chat.title } : {}),
        messageId: message.id,
        buttonId: body.buttonId as string,
        clientTapId: body.clientTapId,
      });
      return reply.code(202).send({ accepted: true });
    },
  );

  app.get<{ Querystring: { persona?: string; chat?: string } }>('/webchat/api/menu', async (request) => {
    const { web, persona, chat } = await speaker(request.query.persona, request.query.chat ?? '');
    const t = web.i18n.getFixedT(persona.locale);
    // The same commands /help offers this persona in this chat: composed from the capabilities' manifests.
    const kind = web.isPrivateChat(chat.id) ? 'private' : 'group';
    // As /help does: a building head is one only in their own building's group.
    const roles = persona.roles.filter((role) => role !== 'building_head' || kind === 'private' || chat.building === persona.headOf);
    const names = commandsOffered(roles, { kind, binding: chat.binding });
    return {
      commands: names.flatMap((name) => {
        const spec = commandSpec(name);
        return spec ? [{ name, usage: t(spec.usageKey), summary: t(spec.summaryKey) }] : [];
      }),
    };
  });

  app.get<{ Querystring: { persona?: string; after?: string } }>('/webchat/api/events', async (request, reply) => {
    const web = adapter();
    const world = await worldOf(web);
    const persona = personaOf(world, request.query.persona);
    const chats = new Set(visibleChats(world, persona));
    let lastSent = afterOf((request.headers['last-event-id'] as string | undefined) ?? request.query.after);
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const write = (message: LocalChatMessage) => {
      if (!chats.has(message.chatId) || message.seq <= lastSent || (message.visibleTo !== null && message.visibleTo !== persona.id)) return;
      lastSent = message.seq;
      reply.raw.write(`id: ${message.seq}\nevent: message\ndata: ${JSON.stringify(message)}\n\n`);
    };
    // Live messages wait until the backlog is out, so nothing arrives twice or out of order.
    const waiting: LocalChatMessage[] = [];
    let live = false;
    const unsubscribe = web.subscribe((message) => (live ? write(message) : waiting.push(message)));
    const heartbeat = setInterval(() => reply.raw.write(': ping\n\n'), heartbeatMs);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
    for (
      let batch = await web.transcript.since([...chats], lastSent, persona.id);
      batch.length > 0;
      batch = await web.transcript.since([...chats], lastSent, persona.id)
    )
      for (const message of batch) write(message);
    for (const message of waiting.sort((a, b) => a.seq - b.seq)) write(message);
    live = true;
  });
}

function afterOf(raw: string | undefined): number {
  const after = Number(raw ?? 0);
  return Number.isSafeInteger(after) && after > 0 ? after : 0;
}
