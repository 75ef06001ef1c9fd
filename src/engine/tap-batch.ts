import { type DomainErrorCode, isDomainError } from '../core/errors.js';
import type { Chat, Community, Member, PrismaClient } from '../db/generated/client.js';
import { type TapAction, tapHandlers } from './capabilities.js';
import type { Action, EngineCommand } from './commands.js';
import { acknowledgeTap, appendAudit, pushRefusal, type Tx, writeNotices } from './context.js';
import type { FloodGuard } from './flood.js';
import { claimEvents, markDone } from './inbox-events.js';
import { claimedHouseholds, membershipsOf } from './modules/membership/households.js';
import { resolveLocale } from './modules/membership/set-language.js';
import type { Notice } from './notices.js';
import type { EngineSettings } from './settings.js';
import type { TapContext, TapHandler } from './taps.js';

export type TapOutcome = { status: 'done' | 'refused' | 'duplicate'; notices: Notice[]; error?: DomainErrorCode };

const isTap = (action: Action): action is TapAction => Object.hasOwn(tapHandlers, action.type);
const actorKey = (command: EngineCommand) => `${command.actor.platform}:${command.actor.platformUserId}`;
const chatKey = (command: EngineCommand) => `${command.chat.platform}:${command.chat.platformChatId}`;
const eventKey = (command: EngineCommand) => `${command.actor.platform}:${command.eventId}`;

/**
 * The fast path for bursts of support and vote taps: a whole batch in one transaction and a few statements, with the
 * same rules, notices and audit entries as one command at a time. Taps of known members in linked groups are decided
 * here; everything else, and whatever follows such a command in its chat or on its subject, is returned in order for
 * the general path, so each chat still sees its commands handled in the order they came.
 */
export async function dispatchTaps(
  db: PrismaClient,
  settings: EngineSettings,
  flood: FloodGuard,
  now: Date,
  commands: EngineCommand[],
): Promise<{ outcomes: Map<EngineCommand, TapOutcome>; rest: EngineCommand[] }> {
  const candidates = commands.filter((command) => isTap(command.action) && command.chat.kind === 'group');
  if (candidates.length === 0) return { outcomes: new Map(), rest: commands };
  return db.$transaction(
    async (tx) => {
      const outcomes = new Map<EngineCommand, TapOutcome>();
      const claimed = await claimEvents(tx, candidates);
      const actors = await loadActors(tx, candidates);
      const contexts = new Map<EngineCommand, TapContext>();
      for (const command of candidates) {
        const context = actors(command);
        if (context) contexts.set(command, context);
      }
      const deciders = new Map<string, Awaited<ReturnType<TapHandler<TapAction>>>>();
      for (const type of Object.keys(tapHandlers) as Array<TapAction['type']>) {
        const taps = [...contexts]
          .filter(([command]) => command.action.type === type)
          .map(([command, ctx]) => ({ ctx, action: command.action }));
        if (taps.length > 0) deciders.set(type, await (tapHandlers[type] as TapHandler<TapAction>)(tx, now, settings, taps as never));
      }

      const rest: EngineCommand[] = [];
      const deferred = new Set<string>();
      const seen = new Map<string, 'fast' | 'general'>();
      const handled: TapContext[] = [];
      for (const command of commands) {
        const event = eventKey(command);
        const earlier = seen.get(event);
        if (claimed.get(event) === 'done' || earlier === 'fast') {
          outcomes.set(command, { status: 'duplicate', notices: [] });
          continue;
        }
        const ctx = contexts.get(command);
        const decider = deciders.get(command.action.type);
        const subject = ctx && decider ? decider.subject(ctx, command.action as TapAction) : null;
        const keys = [`chat:${chatKey(command)}`, `actor:${actorKey(command)}`, ...(subject ? [`subject:${subject}`] : [])];
        const outcome =
          ctx && decider && !earlier && !keys.some((key) => deferred.has(key)) ? decide(ctx, decider, command.action as TapAction) : null;
        seen.set(event, outcome ? 'fast' : 'general');
        if (!outcome) {
          for (const key of keys) deferred.add(key);
          rest.push(command);
          continue;
        }
        handled.push(ctx!);
        outcomes.set(command, outcome);
      }

      /** A tap decided here, or null for the general path. The flood guard counts it only if it is decided here. */
      function decide(ctx: TapContext, decider: NonNullable<ReturnType<typeof deciders.get>>, action: TapAction): TapOutcome | null {
        const floodKey = actorKey(ctx.command);
        if (!flood.allows(floodKey, now.getTime())) {
          if (flood.check(floodKey, now.getTime()) === 'warn')
            pushRefusal(ctx, 'rate_limited', { seconds: flood.retryAfterSeconds(floodKey, now.getTime()) });
          return { status: 'refused', error: 'rate_limited', notices: ctx.notices };
        }
        try {
          if (!decider.apply(ctx, action)) return null;
          flood.check(floodKey, now.getTime());
          return { status: 'done', notices: ctx.notices };
        } catch (error) {
          if (!isDomainError(error)) throw error;
          flood.check(floodKey, now.getTime());
          pushRefusal(ctx, error.code, error.params);
          return { status: 'refused', error: error.code, notices: ctx.notices };
        }
      }

      const tail: Notice[] = [];
      for (const decider of deciders.values()) tail.push(...(await decider.flush()));
      for (const ctx of handled) acknowledgeTap(ctx);
      await writeNotices(tx, [...handled.flatMap((ctx) => ctx.notices), ...tail]);
      const entries = handled.flatMap((ctx) => ctx.pendingAudit);
      if (entries.length > 0) await appendAudit({ tx, now }, entries);
      await markDone(
        tx,
        now,
        handled.map((ctx) => ({ command: ctx.command, redact: Boolean(ctx.redactInbox) })),
      );
      return { outcomes, rest };
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
}

/**
 * Members, chats, communities, households and memberships of the batch in five statements. A tap by someone the engine
 * has not met, under a changed name, or from a chat it does not know or that is not linked, gets no context: the
 * general path, which records those, takes it.
 */
async function loadActors(tx: Tx, commands: EngineCommand[]): Promise<(command: EngineCommand) => TapContext | null> {
  const members = await tx.$queryRaw<Member[]>`
    SELECT * FROM "Member" WHERE ("platform", "platformUserId") IN (
      SELECT p::"Platform", u FROM unnest(${commands.map((c) => c.actor.platform)}::text[], ${commands.map((c) => c.actor.platformUserId)}::text[]) AS k(p, u))`;
  const chats = await tx.$queryRaw<Chat[]>`
    SELECT * FROM "Chat" WHERE ("platform", "platformChatId") IN (
      SELECT p::"Platform", c FROM unnest(${commands.map((c) => c.chat.platform)}::text[], ${commands.map((c) => c.chat.platformChatId)}::text[]) AS k(p, c))`;
  const communities = await tx.$queryRaw<Community[]>`
    SELECT * FROM "Community" WHERE "id" = ANY(${chats.flatMap((chat) => chat.communityId ?? [])}::int[])`;
  const memberIds = members.map((member) => member.id);
  const householdsOf = await claimedHouseholds(tx, memberIds);
  const memberships = await membershipsOf(tx, memberIds);

  const memberBy = new Map(members.map((member) => [`${member.platform}:${member.platformUserId}`, member]));
  const chatBy = new Map(chats.map((chat) => [`${chat.platform}:${chat.platformChatId}`, chat]));
  const communityBy = new Map(communities.map((community) => [community.id, community]));

  return (command) => {
    const member = memberBy.get(actorKey(command));
    const chat = chatBy.get(chatKey(command));
    const community = chat?.communityId != null ? communityBy.get(chat.communityId) : undefined;
    if (!member || member.displayName !== command.actor.displayName || !chat || !community) return null;
    if (chat.kind !== 'group' || chat.leftAt !== null || (command.chat.title && command.chat.title !== chat.title)) return null;
    return {
      command,
      member,
      chat,
      community,
      locale: resolveLocale(member, chat, community, command.actor.languageHint),
      households: householdsOf.get(member.id)!,
      isMember: memberships.get(member.id)!.has(community.id),
      notices: [],
      pendingAudit: [],
    };
  };
}
