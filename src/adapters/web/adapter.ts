import { EventEmitter } from 'node:events';
import type { OutboundPort } from '../../delivery/delivery.js';
import type { LocalChatMessage } from '../../delivery/local-transcript.js';
import { type DemoWorld, demoWorld } from '../../engine/modules/setup/demo.js';
import { storableText } from '../../inbox/payload.js';
import { documentToText, type RenderedDocument, renderNotice } from '../../render/index.js';
import type { AdapterDeps, ChatAdapter } from '../shared/port.js';
import { seedDemoIfEmpty } from './demo.js';
import { isPrivateChat, type StoredWebEvent, translateWebEvent, webEventId } from './translate.js';

export type WebChatSettings = { demo: boolean };

/** The longest message the page may send: Telegram's limit, so the same texts behave the same. */
export const maxTypedLength = 4_096;

/** The document's button rows (laid out by render/), flattened with each button's row number. */
function buttonRows(document: RenderedDocument): LocalChatMessage['buttons'] {
  return document.buttons.flatMap((cells, row) => cells.map((button) => ({ id: button.id, label: button.label, row })));
}

/**
 * The local web chat: yishi is this platform's server. A typed message or a tap is stored in the transcript and
 * recorded in the inbox before the page gets its 202; the bot's notices are rendered into the transcript; every
 * change is published to the pages listening.
 */
export async function createWebChatAdapter(settings: WebChatSettings, deps: AdapterDeps) {
  const transcript = deps.localTranscript;
  const published = new EventEmitter();
  published.setMaxListeners(0);
  const publish = (message: LocalChatMessage) => published.emit('message', message);
  let seeded = false;

  const outbound: OutboundPort = {
    platform: 'local',
    async send(notice) {
      // The page shows a tap as answered once its request is; nothing more is owed.
      if (notice.type === 'tap.answered') return { messageId: '' };
      const t = deps.i18n.getFixedT(notice.locale);
      const document = renderNotice(t, notice, { timeZone: notice.chat.timezone });
      const text = documentToText(document);
      const rows = buttonRows(document);
      if (notice.editMessageId) {
        const edited = await transcript.edit(Number(notice.editMessageId), text, rows);
        if (edited) publish(edited);
        return { messageId: notice.editMessageId };
      }
      const { message } = await transcript.append({
        chatId: notice.chat.platformChatId,
        author: null,
        text,
        buttons: rows,
        ...(notice.answersTap ? { visibleTo: notice.answersTap } : {}),
      });
      publish(message);
      return { messageId: String(message.id) };
    },
  };

  /** The world the page shows, or null while there is no demo community. */
  const world = (): Promise<DemoWorld | null> => deps.engine.operate((tx) => demoWorld(tx));

  return {
    platform: 'local' as const,
    translate: translateWebEvent,
    outbound,
    world,
    transcript,
    i18n: deps.i18n,
    /** Calls `listener` with every new or edited message until the returned function is called. */
    subscribe(listener: (message: LocalChatMessage) => void): () => void {
      published.on('message', listener);
      return () => published.off('message', listener);
    },
    /** A typed message: kept in the transcript and recorded once, however often the page sends it. */
    async post(input: {
      persona: { id: string; name: string };
      chatId: string;
      chatTitle?: string;
      text: string;
      clientMessageId: string;
    }) {
      const { message, created } = await transcript.append({
        chatId: input.chatId,
        author: { personaId: input.persona.id, name: input.persona.name },
        text: storableText(input.text),
        buttons: [],
        clientMessageId: input.clientMessageId,
      });
      const event: StoredWebEvent = {
        kind: 'message',
        persona: input.persona.id,
        name: input.persona.name,
        chatId: input.chatId,
        ...(input.chatTitle ? { chatTitle: input.chatTitle } : {}),
        text: message.text,
        transcriptId: message.id,
      };
      await deps.record([{ eventId: webEventId(event), payload: event }]);
      if (created) publish(message);
      return { duplicate: !created };
    },
    /** A tapped button: recorded once per tap id. */
    async tap(input: {
      persona: { id: string; name: string };
      chatId: string;
      chatTitle?: string;
      messageId: number;
      buttonId: string;
      clientTapId: string;
    }) {
      const event: StoredWebEvent = {
        kind: 'tap',
        persona: input.persona.id,
        name: input.persona.name,
        chatId: input.chatId,
        ...(input.chatTitle ? { chatTitle: input.chatTitle } : {}),
        messageId: input.messageId,
        buttonId: input.buttonId,
        clientTapId: input.clientTapId,
      };
      await deps.record([{ eventId: webEventId(event), payload: event }]);
    },
    async start() {
      seeded = settings.demo && (await seedDemoIfEmpty(deps.engine));
    },
    async stop() {
      published.removeAllListeners();
    },
    readyMessage: (t: (key: string, params?: Record<string, unknown>) => string) =>
      [t('operator:start.webchat_ready'), ...(seeded ? [t('operator:start.demo_seeded')] : [])].join(' '),
    isPrivateChat,
  } satisfies ChatAdapter & Record<string, unknown>;
}

export type WebChatAdapter = Awaited<ReturnType<typeof createWebChatAdapter>>;
