import { decodeButton } from '../../engine/buttons.js';
import type { Action, EngineCommand } from '../../engine/commands.js';
import { parseCommand } from '../shared/parse-command.js';
import { ownersVoteCommandText, ownersVoteModalId, pollCommandText, pollModalId } from './poll-modal.js';

// What the inbox keeps of each Slack request: the part of it the engine needs, tagged by kind. The request's
// signature was checked before it was stored.

/** A slash command (`/yishi issue 电梯坏了`), as Slack's form fields. */
type SlashCommand = {
  command: string;
  text: string;
  user_id: string;
  user_name: string;
  channel_id: string;
  channel_name?: string;
  trigger_id: string;
};
/** An Events API callback's event. */
type SlackEvent = {
  type: string;
  user?: string;
  channel?: string;
  tab?: string;
  actor_id?: string;
  text?: string;
  bot_id?: string;
  subtype?: string;
  ts?: string;
};
/** A block_actions interaction: a button tapped. */
type BlockActions = {
  type: string;
  user: { id: string; username?: string; name?: string };
  channel?: { id: string; name?: string };
  container?: { message_ts?: string; channel_id?: string };
  trigger_id: string;
  actions?: Array<{ action_id?: string; value?: string; action_ts?: string }>;
  /** A submitted modal (view_submission). */
  view?: { callback_id?: string; private_metadata?: string; state?: { values?: Record<string, Record<string, never>> } };
};

type Request =
  | { kind: 'command'; fields: SlashCommand }
  | { kind: 'event'; botUserId: string; event: SlackEvent }
  | { kind: 'interaction'; payload: BlockActions };

/**
 * A request as stored, with its inbox key: Slack's own id of it within the workspace (an event's `event_id`, a
 * command's or a tap's `trigger_id`), so that a retry or a resend changes nothing.
 */
/** A request as the inbox keeps it; `userLocale`: the acting member's Slack language, when it could be read. */
export type StoredSlackRequest = Request & { eventId: string; userLocale?: string };

/** The member who typed, tapped or opened something, if the request has one. */
export function actingUser(request: Request): string | null {
  if (request.kind === 'command') return request.fields.user_id ?? null;
  if (request.kind === 'interaction') return request.payload.user?.id ?? null;
  return request.event.type === 'app_home_opened' ? (request.event.user ?? null) : null;
}

export function storedRequest(teamId: string, request: Request, slackEventId?: string): StoredSlackRequest {
  const id =
    request.kind === 'event'
      ? `event:${slackEventId}`
      : request.kind === 'command'
        ? `command:${request.fields.trigger_id}`
        : `action:${request.payload.trigger_id}`;
  return { ...request, eventId: `${teamId}:${id}` };
}

/** The modals whose submission stands for a typed command, by their callback id. */
const modalCommands: Record<string, (values: Record<string, Record<string, never>>) => string> = {
  [pollModalId]: pollCommandText,
  [ownersVoteModalId]: ownersVoteCommandText,
};

/** Direct-message channels are `D…`; everything else is a group conversation. */
const kindOf = (channel: string) => (channel.startsWith('D') ? ('private' as const) : ('group' as const));

function chatOf(channel: string, name?: string) {
  return {
    platform: 'slack' as const,
    platformChatId: channel,
    kind: kindOf(channel),
    // Slack names DMs "directmessage" and private groups "privategroup": not titles worth keeping.
    ...(name && kindOf(channel) === 'group' && name !== 'privategroup' ? { title: `#${name}` } : {}),
  };
}

/**
 * A stored Slack request as an engine command, or null for what the engine has no use for (ordinary messages,
 * other apps' buttons). `/yishi <command> <arguments>` carries every chat command; a button carries its stable id.
 */
export function translateSlack(stored: unknown): EngineCommand | null {
  const request = stored as StoredSlackRequest;
  const { eventId } = request;
  // Slack shows no message for a slash command or a tap: what a reply answers is the person, so their user id stands
  // in the command's message id, and a refusal threaded to it is shown to them alone (see adapter.ts).
  const command = (
    user: { id: string; name?: string },
    channel: string,
    channelName: string | undefined,
    action: Action | null,
    tapped = false,
  ): EngineCommand | null =>
    action
      ? {
          eventId,
          actor: {
            platform: 'slack' as const,
            platformUserId: user.id,
            displayName: user.name || user.id,
            ...(request.userLocale ? { languageHint: request.userLocale } : {}),
          },
          chat: chatOf(channel, channelName),
          action,
          messageId: user.id,
          // A tap is answered to the tapper by an ephemeral message, addressed by user id.
          ...(tapped ? { tapId: user.id } : {}),
        }
      : null;
  if (request.kind === 'command') {
    const { fields } = request;
    const text = fields.text.trim();
    const action: Action = text
      ? (parseCommand(`/${text}`) ?? { type: 'command.unknown', name: text.split(/\s+/)[0]! })
      : { type: 'member.help' };
    return command({ id: fields.user_id, name: fields.user_name }, fields.channel_id, fields.channel_name, action);
  }
  if (request.kind === 'interaction') {
    const { payload } = request;
    const form = payload.type === 'view_submission' ? modalCommands[payload.view?.callback_id ?? ''] : undefined;
    if (form && payload.view) {
      const channel = JSON.parse(payload.view.private_metadata ?? '{}') as { id?: string; name?: string };
      if (!channel.id) return null;
      const action = parseCommand(form(payload.view.state?.values ?? {}));
      return command({ id: payload.user.id, name: payload.user.name ?? payload.user.username }, channel.id, channel.name, action);
    }
    const tapped = payload.actions?.[0];
    const channel = payload.channel?.id ?? payload.container?.channel_id;
    if (payload.type !== 'block_actions' || !tapped?.value || !channel) return null;
    return command(
      { id: payload.user.id, name: payload.user.name ?? payload.user.username },
      channel,
      payload.channel?.name,
      decodeButton(tapped.value),
      true,
    );
  }
  const { event } = request;
  if (!event.channel) return null;
  if (event.type === 'app_home_opened' && event.user && event.tab === 'home')
    return command({ id: event.user }, event.channel, undefined, { type: 'member.home' });
  // The app added to a channel, or removed from it (by `actor_id`): the binding is kept, posting stops or resumes.
  if (event.type === 'member_joined_channel' && event.user === request.botUserId)
    return command({ id: event.user }, event.channel, undefined, { type: 'chat.joined' });
  if (
    event.type === 'channel_left' ||
    event.type === 'group_left' ||
    (event.type === 'member_left_channel' && event.user === request.botUserId)
  )
    return command({ id: event.actor_id ?? request.botUserId }, event.channel, undefined, { type: 'chat.left' });
  return null;
}
