import { DomainError } from '../../../core/errors.js';
import type { PollKind } from '../../../db/generated/client.js';
import { audit, type CommandContext, requireCommunity } from '../../context.js';
import { nextNumber } from '../../numbering.js';
import { outsideQuietHours } from '../reminders/quiet-hours.js';
import { type Reminder, scheduleReminders } from '../reminders/schedule.js';
import { requireOwnersVoteOpener, requirePollOpener } from './permissions.js';
import { openedKey, pollHeader, voteButtons } from './poll-queries.js';

const hour = 3_600_000;
const reminderHours = [24, 2];

export const ownersOptions = ['yes', 'no', 'abstain'];

function checkHours(hours: number | undefined, fallback: number): number {
  const value = hours ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > 24 * 90) throw new DomainError('poll_hours_invalid', { max: 24 * 90 });
  return value;
}

/** The poll's scope from the chat it is opened in; only building and community chats hold polls. */
function scopeOfChat(ctx: CommandContext): number | null {
  if (ctx.chat.binding !== 'building' && ctx.chat.binding !== 'community') throw new DomainError('chat_not_for_issues');
  return ctx.chat.binding === 'building' ? ctx.chat.buildingId : null;
}

async function openPoll(
  ctx: CommandContext,
  input: {
    kind: PollKind;
    matterClass: 'ordinary' | 'major' | null;
    question: string;
    options: string[];
    hours: number;
    multi: boolean;
    secret: boolean;
    quorumPercent: number | null;
    buildingId: number | null;
  },
): Promise<void> {
  const community = requireCommunity(ctx);
  const number = await nextNumber(ctx.tx, community.id, 'lastPollNumber');
  const closesAt = new Date(ctx.now.getTime() + input.hours * hour);
  const poll = await ctx.tx.poll.create({
    data: {
      communityId: community.id,
      number,
      kind: input.kind,
      matterClass: input.matterClass,
      question: input.question,
      buildingId: input.buildingId,
      chatId: ctx.chat.id,
      multi: input.multi,
      secret: input.secret,
      quorumPercent: input.quorumPercent,
      closesAt,
      createdById: ctx.member.id,
      createdAt: ctx.now,
      options: { create: input.options.map((label, position) => ({ position, label })) },
    },
    include: { options: { orderBy: { position: 'asc' } } },
  });
  const reminders: Reminder[] = [{ key: `poll.close:${poll.id}`, kind: 'poll.close', dueAt: closesAt, params: { pollId: poll.id } }];
  // Households that have not voted are reminded a day and two hours before an owners' vote closes (not at night).
  if (input.kind === 'owners_vote')
    for (const hoursLeft of reminderHours) {
      const dueAt = outsideQuietHours(new Date(closesAt.getTime() - hoursLeft * hour), community, closesAt, ctx.now);
      if (dueAt && dueAt > ctx.now)
        reminders.push({ key: `poll.remind:${poll.id}:${hoursLeft}`, kind: 'poll.remind', dueAt, params: { pollId: poll.id, hoursLeft } });
    }
  await scheduleReminders(ctx.tx, reminders);
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: ctx.member.id,
    action: 'poll.opened',
    subjectType: 'poll',
    subjectId: poll.id,
    data: {
      kind: input.kind,
      matterClass: input.matterClass,
      question: input.question,
      options: input.options,
      closesAt: closesAt.toISOString(),
      secret: input.secret,
    },
  });
  const buttons = voteButtons(poll);
  ctx.notices.push({
    type: 'poll.opened',
    params: await pollHeader(ctx.tx, poll),
    buttons,
    chatId: ctx.chat.id,
    locale: ctx.chat.locale ?? community.locale,
    dedupeKey: openedKey(poll.id),
  });
}

/**
 * `/poll <question> | <option> | <option> [...] [--hours N] [--multi] [--secret] [--quorum N%]` by a building head
 * (in their building's chat) or the committee: one person, one vote among the verified residents of the chat's
 * scope. Emits poll.opened with a button per option; throws poll_role_required, poll_question_empty,
 * poll_too_few_options, poll_too_many_options, poll_option_too_long, poll_hours_invalid, poll_quorum_invalid.
 */
export async function createPoll(
  ctx: CommandContext,
  action: { question: string; options: string[]; hours?: number; multi: boolean; secret: boolean; quorumPercent?: number },
): Promise<void> {
  const community = requireCommunity(ctx);
  const buildingId = scopeOfChat(ctx);
  await requirePollOpener(ctx, community.id, buildingId);
  const question = action.question.trim();
  const options = action.options.map((option) => option.trim()).filter(Boolean);
  if (!question) throw new DomainError('poll_question_empty');
  if ([...question].length > ctx.settings.maxTextLength)
    throw new DomainError('text_too_long', { length: [...question].length, max: ctx.settings.maxTextLength });
  if (options.length < 2) throw new DomainError('poll_too_few_options');
  if (options.length > 10) throw new DomainError('poll_too_many_options', { count: options.length });
  const long = options.find((option) => [...option].length > 100);
  if (long) throw new DomainError('poll_option_too_long', { length: [...long].length });
  const quorum = action.quorumPercent;
  if (quorum !== undefined && (!Number.isInteger(quorum) || quorum < 1 || quorum > 100)) throw new DomainError('poll_quorum_invalid');
  await openPoll(ctx, {
    kind: 'ordinary',
    matterClass: null,
    question,
    options,
    hours: checkHours(action.hours, 72),
    multi: action.multi,
    secret: action.secret,
    quorumPercent: quorum ?? null,
    buildingId,
  });
}

/**
 * `/ownersvote <ordinary|major> <question> [--hours N]` (committee): an owners' vote under Civil Code art. 278 —
 * yes / no / abstain, one ballot per household, weighed by registered area; 14 days unless told. Emits poll.opened;
 * throws committee_only, poll_question_empty, poll_hours_invalid.
 */
export async function createOwnersVote(
  ctx: CommandContext,
  action: { matterClass: 'ordinary' | 'major'; question: string; hours?: number },
): Promise<void> {
  const _community = requireCommunity(ctx);
  const buildingId = scopeOfChat(ctx);
  await requireOwnersVoteOpener(ctx);
  const question = action.question.trim();
  if (!question) throw new DomainError('poll_question_empty');
  if ([...question].length > ctx.settings.maxTextLength)
    throw new DomainError('text_too_long', { length: [...question].length, max: ctx.settings.maxTextLength });
  await openPoll(ctx, {
    kind: 'owners_vote',
    matterClass: action.matterClass,
    question,
    options: ownersOptions,
    hours: checkHours(action.hours, 14 * 24),
    multi: false,
    secret: false,
    quorumPercent: null,
    buildingId,
  });
}
