import { type DomainErrorCode, isDomainError } from '../core/errors.js';
import { type Chat, type Community, type Member, Prisma, type Role } from '../db/generated/client.js';
import { aliased, communityColumns } from './aliased-columns.js';
import { handlers } from './capabilities.js';
import type { Action, EngineCommand } from './commands.js';
import { type AuditInput, acknowledgeTap, appendAudit, type CommandContext, pushRefusal, type Tx, writeNotices } from './context.js';
import { beforeEachWrite } from './first-write.js';
import type { FloodGuard, FloodState } from './flood.js';
import { claimNewEvents, markDone } from './inbox-events.js';
import { type ClaimedHousehold, claimedHouseholdRows, membershipPairs } from './modules/membership/households.js';
import { resolveLocale } from './modules/membership/set-language.js';
import type { Notice } from './notices.js';
import type { EngineSettings } from './settings.js';

export type DispatchResult = {
  /** done: handled; refused: a DomainError answered to the member; duplicate: seen before, nothing done; failed: a bug, logged. */
  status: 'done' | 'refused' | 'duplicate' | 'failed';
  notices: Notice[];
  error?: DomainErrorCode;
};

type Loaded = Pick<
  CommandContext,
  'tx' | 'now' | 'settings' | 'command' | 'member' | 'chat' | 'community' | 'locale' | 'households' | 'memberOf' | 'roles' | 'unwritten'
>;

const eventKey = (command: EngineCommand) => `${command.actor.platform}:${command.eventId}`;

/**
 * Handles commands in order inside the caller's transaction: each is claimed, given its context and handled by its
 * use-case as if it were alone, but the batch shares the transaction, the inbox claims, the outbox insert (made
 * earlier if a command reads the outbox: `settleOutbox`) and the audit chain's append. A command refused before it
 * wrote is answered and the batch goes on. One refused after it wrote must leave no trace: without savepoints
 * (`attempt.savepoints`) that throws `RefusedAfterWrite`, and the caller runs the batch again with them, each command
 * then rolled back to its own. Anything else that goes wrong throws, so the caller's transaction takes the whole batch
 * with it (and hands its commands out one by one).
 */
export async function runCommands(
  tx: Tx,
  now: Date,
  settings: EngineSettings,
  flood: FloodGuard,
  commands: EngineCommand[],
  attempt: BatchAttempt = firstAttempt(),
): Promise<DispatchResult[]> {
  const claimed = await claimNewEvents(tx, commands, now);
  const unwritten: Notice[] = [];
  const entries: AuditInput[] = [];
  const redacted: EngineCommand[] = [];
  const results: DispatchResult[] = [];
  const contexts = contextsAhead(
    tx,
    now,
    settings,
    commands.filter((command) => claimed.has(eventKey(command))),
  );
  for (const command of commands) {
    if (!claimed.delete(eventKey(command))) {
      results.push({ status: 'duplicate', notices: [] });
      continue;
    }
    const { context, status, error, changedContexts } = await handle({ ...(await contexts.of(command)), unwritten }, flood, attempt);
    if (changedContexts) contexts.changed(context.changedOwnContextOnly ? context.member.id : null);
    acknowledgeTap(context);
    unwritten.push(...context.notices);
    entries.push(...context.pendingAudit);
    if (context.redactInbox) redacted.push(command);
    results.push({ status, notices: context.notices, ...(error ? { error } : {}) });
  }
  await writeNotices(tx, unwritten);
  if (entries.length > 0) await appendAudit({ tx, now }, entries);
  // claimNewEvents marked the events done; a secret vote's payload is replaced so the row no longer names the voter.
  if (redacted.length > 0)
    await markDone(
      tx,
      now,
      redacted.map((command) => ({ command, redact: true })),
    );
  return results;
}

/**
 * The contexts of the commands ahead, loaded a window at a time, and loaded again after a command wrote to a table
 * they are made of (`contextTables`): a claim, a role, a language, a chat linked by one command is part of the next
 * one's context (only of its actor's commands, for a command that says so: `changedOwnContextOnly`). The window after
 * such a write is as long as the gap since the one before it, so traffic that writes every few commands loads each
 * context about once; while nothing writes, the window doubles.
 */
function contextsAhead(tx: Tx, now: Date, settings: EngineSettings, commands: EngineCommand[]) {
  const loaded = new Map<EngineCommand, Loaded>();
  let windowSize = commands.length;
  let sinceWrite = 0;
  return {
    async of(command: EngineCommand): Promise<Loaded> {
      if (!loaded.has(command)) {
        const ahead = commands.slice(commands.indexOf(command));
        const window = ahead.slice(0, Math.min(windowSize, contextWindow(ahead)));
        for (const [index, context] of (await loadContexts(tx, window, now, settings)).entries()) loaded.set(window[index]!, context);
        windowSize = window.length * 2;
      }
      sinceWrite += 1;
      return loaded.get(command)!;
    },
    /** After a write to a table contexts are made of: by `memberId` alone (only that member's contexts), or by anyone. */
    changed(memberId: number | null): void {
      if (memberId !== null) {
        for (const [command, context] of loaded) if (context.member.id === memberId) loaded.delete(command);
        return;
      }
      loaded.clear();
      windowSize = sinceWrite;
      sinceWrite = 0;
    },
  };
}

/**
 * What the attempts at one batch share. Most commands that are refused are refused before they write, so a batch is
 * first run without savepoints (a statement per writing command saved); the flood guard decides each command once,
 * however often its batch runs.
 */
export type BatchAttempt = { savepoints: boolean; flood: Map<EngineCommand, FloodState> };

export const firstAttempt = (): BatchAttempt => ({ savepoints: false, flood: new Map() });

/** A command was refused after it wrote, in a batch run without savepoints: run it again with them. */
export class RefusedAfterWrite extends Error {
  constructor(readonly command: EngineCommand) {
    super(`event ${command.eventId} was refused after it wrote; its batch runs again with savepoints`);
  }
}

/** One command: the flood guard, then its use-case, which either completes or is rolled back and refused. */
async function handle(
  loaded: Loaded,
  flood: FloodGuard,
  attempt: BatchAttempt,
): Promise<{ context: CommandContext; status: 'done' | 'refused'; error?: DomainErrorCode; changedContexts?: boolean }> {
  const fresh = (): CommandContext => ({ ...loaded, notices: [], pendingAudit: [] });
  const { command, now, tx } = loaded;
  const floodKey = `${command.actor.platform}:${command.actor.platformUserId}`;
  const floodState = attempt.flood.get(command) ?? flood.check(floodKey, now.getTime());
  attempt.flood.set(command, floodState);
  if (floodState !== 'ok') {
    const context = fresh();
    if (floodState === 'warn') pushRefusal(context, 'rate_limited', { seconds: flood.retryAfterSeconds(floodKey, now.getTime()) });
    return { context, status: 'refused', error: 'rate_limited' };
  }
  // Taken before the command's first write, and not released: a later ROLLBACK TO finds the newest savepoint of this
  // name, which is this command's. A command that only reads takes none: a refusal then has nothing to undo.
  let wrote = false;
  let savepoint: Promise<unknown> | null = null;
  let changedContexts = false;
  const context: CommandContext = {
    ...fresh(),
    tx: beforeEachWrite(tx, async (tables) => {
      if (tables === null || tables.some((table) => contextTables.has(table))) changedContexts = true;
      // A lock alone (no tables) leaves nothing to undo: held to the commit instead of released by a rollback.
      if (tables === null || tables.length > 0) wrote = true;
      if (!attempt.savepoints) return;
      savepoint ??= tx.$executeRaw`SAVEPOINT yishi_command`;
      await savepoint;
    }),
  };
  // Earlier commands' notices this one wrote (settleOutbox) are unwritten again if it is rolled back.
  const unwrittenBefore = [...(loaded.unwritten ?? [])];
  try {
    await (handlers[command.action.type] as (c: CommandContext, a: Action) => Promise<void>)(context, command.action);
    return { context, status: 'done', changedContexts };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    if (wrote && !attempt.savepoints) throw new RefusedAfterWrite(command);
    if (savepoint) {
      await tx.$executeRaw`ROLLBACK TO SAVEPOINT yishi_command`;
      loaded.unwritten?.splice(0, loaded.unwritten.length, ...unwrittenBefore);
    }
    const refusal = fresh();
    pushRefusal(refusal, error.code, error.params);
    return { context: refusal, status: 'refused', error: error.code };
  }
}

const memberColumns = aliased('m', Prisma.MemberScalarFieldEnum);
const chatColumns = aliased('c', Prisma.ChatScalarFieldEnum);

/**
 * The contexts of commands about to run, in one statement: each actor and chat as the platform names them now
 * (recorded, or updated where their name, title or private chat changed), and the community the command speaks to:
 * the chat's, or for a private chat the member's only one. Rarely two statements: a row someone else recorded after
 * the statement began is seen by the next. The commands must not name one actor or chat two ways (`contextWindow`).
 */
async function loadContexts(tx: Tx, commands: EngineCommand[], now: Date, settings: EngineSettings): Promise<Loaded[]> {
  for (let attempt = 1; ; attempt++) {
    const rows = await tx.$queryRaw<Array<Record<string, unknown>>>(contextsSql(commands, now));
    if (rows.length < commands.length) {
      if (attempt === 3) throw new Error(`no member or chat row for event ${commands[0]?.eventId}`);
      continue;
    }
    return rows.map((row, index) => {
      const command = commands[index]!;
      const member = memberColumns.rowOf<Member>(row)!;
      const chat = chatColumns.rowOf<Chat>(row)!;
      const community = communityColumns.rowOf<Community>(row);
      const locale = resolveLocale(member, chat, community, command.actor.languageHint);
      const households = row.households as ClaimedHousehold[];
      const memberOf = new Set(row.memberOf as number[]);
      const roles = (row.roles as Array<Omit<Role, 'grantedAt'> & { grantedAt: number }>).map((role) => ({
        ...role,
        grantedAt: new Date(role.grantedAt),
      }));
      return { tx, now, settings, command, member, chat, community, locale, households, memberOf, roles };
    });
  }
}

/** One command's context (`loadContexts`). */
export async function loadContext(tx: Tx, command: EngineCommand, now: Date, settings: EngineSettings): Promise<Loaded> {
  return (await loadContexts(tx, [command], now, settings))[0]!;
}

/**
 * How many of `commands`, from the first, can have their contexts loaded together: up to the first that names an
 * actor or a chat differently from an earlier one (a new display name or title between two messages), whose context
 * must then be loaded after the earlier ones'.
 */
function contextWindow(commands: EngineCommand[]): number {
  const named = new Map<string, string>();
  for (const [index, { actor, chat }] of commands.entries()) {
    const names: Array<[string, string]> = [
      [`m:${actor.platform}:${actor.platformUserId}`, actor.displayName],
      [
        `c:${chat.platform}:${chat.platformChatId}`,
        `${chat.kind}\n${chat.title ?? ''}\n${chat.kind === 'private' ? actor.platformUserId : ''}`,
      ],
    ];
    if (names.some(([key, name]) => named.has(key) && named.get(key) !== name)) return index;
    for (const [key, name] of names) named.set(key, name);
  }
  return commands.length;
}

/** The tables `contextsSql` reads: a command that writes any of them makes the contexts loaded ahead stale. */
const contextTables = new Set(['Member', 'Chat', 'Community', 'HouseholdClaim', 'Household', 'Building', 'Role']);

function contextsSql(commands: EngineCommand[], now: Date): Prisma.Sql {
  const column = <T>(pick: (command: EngineCommand) => T) => commands.map(pick);
  // An upsert whose update is skipped returns no row: the row is then read as it was when the statement began.
  return Prisma.sql`
    WITH i AS (
      SELECT * FROM unnest(${column((c) => c.actor.platform)}::text[], ${column((c) => c.actor.platformUserId)}::text[],
        ${column((c) => c.actor.displayName)}::text[], ${column((c) => c.chat.platform)}::text[],
        ${column((c) => c.chat.platformChatId)}::text[], ${column((c) => c.chat.kind)}::text[], ${column((c) => c.chat.title ?? null)}::text[])
        WITH ORDINALITY AS i(ap, au, an, cp, cc, ck, ct, ord)
    ), upserted AS (
      INSERT INTO "Member" AS x ("platform", "platformUserId", "displayName", "createdAt", "updatedAt")
      SELECT DISTINCT ON (ap, au) ap::"Platform", au, an, ${now}, ${now} FROM i ORDER BY ap, au
      ON CONFLICT ("platform", "platformUserId") DO UPDATE SET "displayName" = EXCLUDED."displayName", "updatedAt" = EXCLUDED."updatedAt"
        WHERE x."displayName" IS DISTINCT FROM EXCLUDED."displayName"
      RETURNING *
    ), m AS (
      SELECT * FROM upserted
      UNION ALL
      SELECT * FROM "Member" WHERE ("platform", "platformUserId") IN (SELECT ap::"Platform", au FROM i)
        AND "id" NOT IN (SELECT "id" FROM upserted)
    ), chatUpserted AS (
      INSERT INTO "Chat" AS x ("platform", "platformChatId", "kind", "title", "memberId", "createdAt", "updatedAt")
      SELECT DISTINCT ON (i.cp, i.cc) i.cp::"Platform", i.cc, i.ck::"ChatKind", i.ct, CASE WHEN i.ck = 'private' THEN m."id" END, ${now}, ${now}
      FROM i JOIN m ON m."platform" = i.ap::"Platform" AND m."platformUserId" = i.au
      ORDER BY i.cp, i.cc
      ON CONFLICT ("platform", "platformChatId") DO UPDATE SET
        "memberId" = CASE WHEN EXCLUDED."kind" = 'private' THEN EXCLUDED."memberId" ELSE x."memberId" END,
        "leftAt" = CASE WHEN EXCLUDED."kind" = 'private' THEN NULL ELSE x."leftAt" END,
        "title" = COALESCE(CASE WHEN EXCLUDED."kind" <> 'private' THEN NULLIF(EXCLUDED."title", '') END, x."title"),
        "updatedAt" = EXCLUDED."updatedAt"
        WHERE (EXCLUDED."kind" = 'private' AND (x."memberId" IS DISTINCT FROM EXCLUDED."memberId" OR x."leftAt" IS NOT NULL))
          OR x."title" IS DISTINCT FROM COALESCE(CASE WHEN EXCLUDED."kind" <> 'private' THEN NULLIF(EXCLUDED."title", '') END, x."title")
      RETURNING *
    ), c AS (
      SELECT * FROM chatUpserted
      UNION ALL
      SELECT * FROM "Chat" WHERE ("platform", "platformChatId") IN (SELECT cp::"Platform", cc FROM i)
        AND "id" NOT IN (SELECT "id" FROM chatUpserted)
    ), mine AS (${membershipPairs(Prisma.sql`ARRAY(SELECT "id" FROM m)`)})
    SELECT ${memberColumns.sql}, ${chatColumns.sql}, ${communityColumns.sql},
      ARRAY(SELECT "communityId" FROM mine WHERE mine."memberId" = m."id") AS "memberOf",
      (SELECT coalesce(jsonb_agg(to_jsonb(r) || jsonb_build_object('grantedAt', floor(extract(epoch FROM r."grantedAt") * 1000)) ORDER BY r."id"), '[]')
        FROM "Role" r WHERE r."memberId" = m."id") AS "roles",
      (SELECT coalesce(jsonb_agg(to_jsonb(h) - 'memberId' ORDER BY h."id"), '[]') FROM (${claimedHouseholdRows(Prisma.sql`ARRAY[m."id"]`)}) h) AS "households"
    FROM i
    JOIN m ON m."platform" = i.ap::"Platform" AND m."platformUserId" = i.au
    JOIN c ON c."platform" = i.cp::"Platform" AND c."platformChatId" = i.cc
    LEFT JOIN "Community" o ON o."id" = COALESCE(c."communityId",
      CASE WHEN c."kind" = 'private' THEN (SELECT CASE WHEN count(*) = 1 THEN min("communityId") END FROM mine WHERE mine."memberId" = m."id") END)
    ORDER BY i.ord`;
}
