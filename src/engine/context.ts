import { DomainError, type DomainErrorCode } from '../core/errors.js';
import type { Chat, Community, Member, Prisma, Role } from '../db/generated/client.js';
import { type AuditContent, entryHash } from './audit-chain.js';
import type { EngineCommand } from './commands.js';
import type { ClaimedHousehold } from './modules/membership/households.js';
import type { Button, Notice, NoticeBody } from './notices.js';
import type { EngineSettings } from './settings.js';

export type Tx = Prisma.TransactionClient;

/** What any engine work needs: the transaction, the time, and where to put the notices it wants sent. */
export type EffectContext = {
  tx: Tx;
  now: Date;
  settings: EngineSettings;
  community: Community | null;
  notices: Notice[];
  /** Set for member commands: the chat the command came from. */
  chat?: Chat;
  locale?: string;
  /** Notices of earlier commands of the same transaction, not yet written (see `settleOutbox`). */
  unwritten?: Notice[];
};

/** Everything a use-case needs about the member command it handles, and the means to answer it. */
export type CommandContext = EffectContext & {
  command: EngineCommand;
  member: Member;
  chat: Chat;
  /** The community the command speaks to: the chat's, or for a private chat the member's only one. */
  community: Community | null;
  /** The language to answer the actor in. */
  locale: string;
  /** The actor's claimed households in every community, lowest id first, as the command began. */
  households: ClaimedHousehold[];
  /** The communities where the actor is a verified member (DOMAIN rule 6: a household or a role), as the command began. */
  memberOf: ReadonlySet<number>;
  /** The actor's roles in every community, as the command began. */
  roles: Role[];
  /**
   * Set by a command whose writes to what contexts are made of concern its actor alone (a household claimed): the
   * contexts loaded ahead for other members' commands stay valid.
   */
  changedOwnContextOnly?: boolean;
  /** Set by a secret vote: the inbox keeps no copy of the tap that could name the voter. */
  redactInbox?: boolean;
  /** Audit entries of this command, chained at the end of its transaction. */
  pendingAudit: AuditInput[];
};

export type Answerable = Pick<CommandContext, 'notices' | 'chat' | 'locale' | 'command'>;

/**
 * Answers the actor in the chat the command came from, threaded to their message. A tap in a group is answered to
 * the tapper alone (the group hears milestones, not every tap: see `replyInChat`).
 */
export function reply(ctx: Answerable, body: NoticeBody, buttons?: Button[]): void {
  ctx.notices.push({ ...body, ...addressOf(ctx), buttons });
}

/** Says in the chat the command came from, for everyone there, even when a tap caused it: a milestone. */
export function replyInChat(ctx: Answerable, body: NoticeBody, buttons?: Button[], dedupeKey?: string): void {
  ctx.notices.push({ ...body, chatId: ctx.chat.id, locale: ctx.locale, replyToMessageId: ctx.command.messageId, buttons, dedupeKey });
}

function addressOf(ctx: Answerable): Pick<Notice, 'chatId' | 'locale' | 'replyToMessageId' | 'answersTap'> {
  const tapInGroup = ctx.command.tapId !== undefined && ctx.chat.kind === 'group';
  return {
    chatId: ctx.chat.id,
    locale: ctx.locale,
    replyToMessageId: ctx.command.messageId,
    answersTap: tapInGroup ? ctx.command.tapId : undefined,
  };
}

/**
 * A tap nothing answered yet gets a blank answer, so the platform stops showing it as pending (Telegram's spinner).
 * Called once a tap's handling is decided, whatever the outcome.
 */
export function acknowledgeTap(ctx: Answerable): void {
  const tapId = ctx.command.tapId;
  if (tapId === undefined || ctx.notices.some((notice) => notice.answersTap === tapId)) return;
  ctx.notices.push({ type: 'tap.answered', params: {}, chatId: ctx.chat.id, locale: ctx.locale, answersTap: tapId });
}

/** Posts to a chat in that chat's language, once per chat and notice type (the actor's chat may already have had it as a reply). */
export function announce(
  ctx: Pick<EffectContext, 'notices' | 'community' | 'locale'>,
  chat: Pick<Chat, 'id' | 'locale'>,
  body: NoticeBody,
  buttons?: Button[],
): void {
  if (ctx.notices.some((notice) => notice.chatId === chat.id && notice.type === body.type && !notice.answersTap)) return;
  ctx.notices.push({ ...body, chatId: chat.id, locale: chat.locale ?? ctx.community?.locale ?? ctx.locale ?? 'zh-CN', buttons });
}

export function requireCommunity(ctx: CommandContext): Community {
  if (ctx.community) return ctx.community;
  throw new DomainError(ctx.chat.kind === 'group' ? 'chat_not_linked' : 'no_community');
}

export function requireGroup(ctx: CommandContext): void {
  if (ctx.chat.kind !== 'group') throw new DomainError('group_only');
}

export function requirePrivate(ctx: CommandContext): void {
  if (ctx.chat.kind !== 'private') throw new DomainError('private_only');
}

/** Optional text typed by a member: null when left out or blank, else as checkText. */
export function optionalText(ctx: CommandContext, text: string | undefined): string | null {
  return text?.trim() ? checkText(ctx, text) : null;
}

/** Text typed by a member: trimmed, not empty, not longer than the limit (counted in characters, not bytes). */
export function checkText(ctx: CommandContext, text: string, emptyCode: DomainErrorCode = 'text_empty'): string {
  const trimmed = text.trim();
  if (!trimmed) throw new DomainError(emptyCode);
  const length = [...trimmed].length;
  if (length > ctx.settings.maxTextLength) throw new DomainError('text_too_long', { length, max: ctx.settings.maxTextLength });
  return trimmed;
}

export type AuditInput = {
  communityId: number | null;
  actorMemberId?: number | null;
  actorLabel?: string;
  action: string;
  subjectType?: string;
  subjectId?: number;
  data?: Prisma.InputJsonValue;
};

/**
 * Adds to the audit log, chained per community: each entry carries the hash of the one before it, so an edit or a
 * deletion shows (`yishi audit verify`). Inside a member command the entries wait in `pendingAudit` and are chained
 * at the very end of its transaction (`appendAudit`), so the per-community lock that keeps the chain in one line
 * is held only for the last few statements before the commit.
 */
export async function audit(ctx: Pick<EffectContext, 'tx' | 'now'> & { pendingAudit?: AuditInput[] }, entry: AuditInput): Promise<void> {
  if (ctx.pendingAudit) ctx.pendingAudit.push(entry);
  else await appendAudit(ctx, [entry]);
}

/** Writes entries to their communities' chains; a transaction-scoped advisory lock per community orders appends. */
export async function appendAudit(ctx: Pick<EffectContext, 'tx' | 'now'>, entries: AuditInput[]): Promise<void> {
  const communities = [...new Set(entries.map((entry) => entry.communityId ?? 0))].sort((a, b) => a - b);
  for (const communityKey of communities) {
    const communityId = communityKey === 0 ? null : communityKey;
    await ctx.tx.$executeRaw`SELECT pg_advisory_xact_lock(${auditLockSpace}::int, ${communityKey}::int)`;
    const last = await ctx.tx.auditEntry.findFirst({ where: { communityId }, orderBy: { id: 'desc' }, select: { hash: true } });
    let prevHash = last?.hash ?? null;
    const rows: Array<AuditContent & { prevHash: string | null; hash: string }> = [];
    for (const entry of entries.filter((e) => (e.communityId ?? 0) === communityKey)) {
      const content: AuditContent = {
        communityId,
        actorMemberId: entry.actorMemberId ?? null,
        actorLabel: entry.actorLabel ?? null,
        action: entry.action,
        subjectType: entry.subjectType ?? null,
        subjectId: entry.subjectId ?? null,
        data: JSON.parse(JSON.stringify(entry.data ?? {})) as Prisma.JsonValue,
        createdAt: ctx.now,
      };
      const hash = entryHash(prevHash, content);
      rows.push({ ...content, prevHash, hash });
      prevHash = hash;
    }
    // One statement, rows in chain order, so their ids follow the chain.
    const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
    await ctx.tx.$executeRaw`
      INSERT INTO "AuditEntry" ("communityId", "actorMemberId", "actorLabel", "action", "subjectType", "subjectId", "data", "prevHash", "hash", "createdAt")
      SELECT ${communityId}::int, a, l, act, st, si, d::jsonb, ph, h, ${ctx.now}
      FROM unnest(
        ${column((r) => r.actorMemberId)}::int[], ${column((r) => r.actorLabel)}::text[], ${column((r) => r.action)}::text[],
        ${column((r) => r.subjectType)}::text[], ${column((r) => r.subjectId)}::int[], ${column((r) => JSON.stringify(r.data))}::text[],
        ${column((r) => r.prevHash)}::text[], ${column((r) => r.hash)}::text[]
      ) WITH ORDINALITY AS n(a, l, act, st, si, d, ph, h, i)
      ORDER BY i`;
  }
}

/** First key of pg_advisory_xact_lock(int, int) for audit chains; the second is the community. */
const auditLockSpace = 4_417_001;

/** Answers the actor with a refusal: what was wrong, in their language, threaded to their message. */
export function pushRefusal(ctx: Answerable, code: DomainErrorCode, params: Record<string, string | number>): void {
  reply(ctx, { type: 'command.refused', params: { ...params, code } });
}

/**
 * Queues notices in the outbox, in the command's transaction, in one statement: params and buttons in columns of
 * their own. A notice with a dedupe key re-arms its row rather than adding one (buttons included: a closed poll's
 * final counts take its vote buttons away): a burst of votes leaves one pending edit with the latest counts.
 */
export async function writeNotices(tx: Tx, notices: Notice[]): Promise<void> {
  const latest = new Map(notices.flatMap((notice) => (notice.dedupeKey ? [[notice.dedupeKey, notice] as const] : [])));
  const rows = notices.filter((notice) => !notice.dedupeKey || latest.get(notice.dedupeKey) === notice);
  if (rows.length === 0) return;
  const column = <T>(pick: (notice: Notice) => T) => rows.map(pick);
  await tx.$executeRaw`
    INSERT INTO "OutboxNotice" ("chatId", "type", "locale", "params", "buttons", "replyToMessageId", "answersTap", "editOfKey", "dedupeKey", "nextAttemptAt", "createdAt")
    SELECT c, t, l, p::jsonb, b::jsonb, r, a, e, d, ${new Date()}, ${new Date()}
    FROM unnest(
      ${column((n) => n.chatId)}::int[], ${column((n) => n.type)}::text[], ${column((n) => n.locale)}::text[],
      ${column((n) => JSON.stringify(n.params))}::text[], ${column((n) => JSON.stringify(n.buttons ?? []))}::text[],
      ${column((n) => n.replyToMessageId ?? null)}::text[], ${column((n) => n.answersTap ?? null)}::text[],
      ${column((n) => n.editOfKey ?? null)}::text[], ${column((n) => n.dedupeKey ?? null)}::text[]
    ) WITH ORDINALITY AS n(c, t, l, p, b, r, a, e, d, i)
    ORDER BY i
    ON CONFLICT ("dedupeKey") DO UPDATE SET
      "chatId" = EXCLUDED."chatId", "type" = EXCLUDED."type", "locale" = EXCLUDED."locale", "params" = EXCLUDED."params",
      "buttons" = EXCLUDED."buttons", "replyToMessageId" = EXCLUDED."replyToMessageId", "editOfKey" = EXCLUDED."editOfKey", "state" = 'pending', "attempts" = 0, "partsSent" = 0,
      "nextAttemptAt" = EXCLUDED."nextAttemptAt", "createdAt" = EXCLUDED."createdAt", "lastError" = NULL,
      "revision" = "OutboxNotice"."revision" + 1`;
}

/**
 * Writes the notices earlier commands of the transaction left unwritten: called before anything reads or moves
 * outbox rows, so a command sees the outbox as if each command before it had committed on its own.
 */
export async function settleOutbox(ctx: Pick<EffectContext, 'tx' | 'unwritten'>): Promise<void> {
  if (ctx.unwritten && ctx.unwritten.length > 0) await writeNotices(ctx.tx, ctx.unwritten.splice(0));
}

export function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

export type { Chat, Community, Member };
