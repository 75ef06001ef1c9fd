import { decodeButton } from '../../engine/buttons.js';
import type { EngineCommand } from '../../engine/commands.js';
import { parseCommand } from '../shared/parse-command.js';

/** What the inbox keeps of a web chat event: who, where, and what was typed or tapped. */
export type StoredWebEvent = {
  persona: string;
  name: string;
  chatId: string;
  chatTitle?: string;
} & ({ kind: 'message'; text: string; transcriptId: number } | { kind: 'tap'; messageId: number; buttonId: string; clientTapId: string });

/** The inbox key of a web chat event: the typed message's transcript id, or the page's id of the tap. */
export function webEventId(event: StoredWebEvent): string {
  return event.kind === 'message' ? `m:${event.transcriptId}` : `t:${event.clientTapId}`;
}

/** A member's private chat with the bot is `dm-<persona>`; every other chat is a group. */
export function isPrivateChat(chatId: string): boolean {
  return chatId.startsWith('dm-');
}

/** A stored web chat event as an engine command, or null for an ordinary message or an unknown button. */
export function translateWebEvent(stored: unknown): EngineCommand | null {
  const event = stored as StoredWebEvent;
  const action = event.kind === 'message' ? parseCommand(event.text) : decodeButton(event.buttonId);
  if (!action) return null;
  return {
    eventId: webEventId(event),
    actor: { platform: 'local', platformUserId: event.persona, displayName: event.name },
    chat: {
      platform: 'local',
      platformChatId: event.chatId,
      kind: isPrivateChat(event.chatId) ? 'private' : 'group',
      ...(event.chatTitle ? { title: event.chatTitle } : {}),
    },
    action,
    messageId: String(event.kind === 'message' ? event.transcriptId : event.messageId),
    // A tap is answered to the persona who tapped: a message only they see.
    ...(event.kind === 'tap' ? { tapId: event.persona } : {}),
  };
}
