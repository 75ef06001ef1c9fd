import type { EscalationLevel, Issue } from '../../../db/generated/client.js';
import type { Answerable, EffectContext } from '../../context.js';
import { reply, replyInChat, settleOutbox } from '../../context.js';
import type { Level, Notice, NoticeBody } from '../../notices.js';
import { supportable } from './support-issue.js';

// An issue's card is its raised notice in the chat where it was raised, with the Support button. Supports are
// answered to the supporter and counted into the card by editing it: the group hears milestones, not every tap.

export type SupportCount = { households: number; needed: number };

const cardKey = (issueId: number) => `issue.card:${issueId}`;

/** Posts the card of a newly raised issue where it was raised, for everyone there (a tap may have raised it). */
export function postCard(
  ctx: Answerable,
  issue: Issue,
  card: Omit<Extract<NoticeBody, { type: 'issue.raised' }>['params'], 'support'>,
  count: SupportCount,
): void {
  replyInChat(
    ctx,
    { type: 'issue.raised', params: { ...card, support: count } },
    [{ kind: 'support', number: issue.number }],
    cardKey(issue.id),
  );
}

/**
 * The edits that bring cards up to date with their supports, one per card, in one statement. All edits of a card
 * share an outbox row, so a burst of supports leaves one pending edit with the latest count. An issue raised before
 * cards were kept has none to edit.
 */
export async function cardEdits(
  ctx: Pick<EffectContext, 'tx' | 'unwritten'>,
  cards: Array<{ issue: Issue; level: EscalationLevel; count: SupportCount }>,
): Promise<Notice[]> {
  if (cards.length === 0) return [];
  await settleOutbox(ctx);
  const rows = await ctx.tx.$queryRaw<
    Array<{ dedupeKey: string; chatId: number; locale: string; params: Extract<NoticeBody, { type: 'issue.raised' }>['params'] }>
  >`
    SELECT "dedupeKey", "chatId", "locale", "params" FROM "OutboxNotice" WHERE "dedupeKey" = ANY(${cards.map(({ issue }) => cardKey(issue.id))}::text[])`;
  const posted = new Map(rows.map((row) => [row.dedupeKey, row]));
  return cards.flatMap(({ issue, level, count }) => {
    const card = posted.get(cardKey(issue.id));
    if (!card) return [];
    return [
      {
        type: 'issue.raised' as const,
        params: { ...card.params, level: level as Level, support: count },
        buttons: supportable.has(issue.status) ? [{ kind: 'support' as const, number: issue.number }] : [],
        chatId: card.chatId,
        locale: card.locale,
        editOfKey: cardKey(issue.id),
        dedupeKey: `issue.live:${issue.id}`,
      },
    ];
  });
}

/**
 * Thanks a supporter: a tap privately (see `reply`); `/support` typed in a group where it was typed, as an entry the
 * delivery merges with the chat's other pending acknowledgements into one message; elsewhere as a reply.
 */
export function acknowledgeSupport(
  ctx: Answerable & { member: { displayName: string }; community: { locale: string } },
  issue: Issue,
  count: SupportCount,
): void {
  if (ctx.chat.kind === 'group' && ctx.command.tapId === undefined) {
    const entry = { name: ctx.member.displayName, number: issue.number, households: count.households, threshold: count.needed };
    reply(
      { ...ctx, locale: ctx.chat.locale ?? ctx.community.locale },
      { type: 'issue.supports_acknowledged', params: { entries: [entry] } },
    );
    return;
  }
  reply(ctx, { type: 'issue.supported', params: { number: issue.number, households: count.households, threshold: count.needed } });
}
