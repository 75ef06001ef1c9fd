import { type DomainErrorCode, isDomainError } from '../core/errors.js';
import { type Chat, type Community, type Member, Prisma, type Role } from '../db/generated/client.js';
import { handlers } from './capabilities.js';
import type { Action, EngineCommand } from './commands.js';
import { type AuditInput, acknowledgeTap, appendAudit, type CommandContext, pushRefusal, type Tx, writeNotices } from './context.js';
import { beforeFirstWrite } from './first-write.js';
import type { FloodGuard } from './flood.js';
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
 * earlier if a command reads the outbox: `settleOutbox`) and the audit chain's append. A refused command is rolled
 * back to its savepoint and answered; anything else that goes wrong throws, so the caller's transaction takes the
 * whole batch with it (and hands its commands out one by one).
 */
export async function runCommands(
  tx: Tx,
  now: Date,
  settings: EngineSettings,
  flood: FloodGuard,
  commands: EngineCommand[],
): Promise<DispatchResult[]> {
  const claimed = await claimNewEvents(tx, commands, now);
  const unwritten: Notice[] = [];
  const entries: AuditInput[] = [];
  const redacted: EngineCommand[] = [];
  const results: DispatchResult[] = [];
  for (const command of commands) {
    if (!claimed.delete(eventKey(command))) {
      results.push({ status: 'duplicate', notices: [] });
      continue;
    }
    const loaded = await loadContext(tx, command, now, settings);
    const { context, status, error } = await handle({ ...loaded, unwritten }, flood);
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

/** One command: the flood guard, then its use-case, which either completes or is rolled back and refused. */
async function handle(
  loaded: Loaded,
  flood: FloodGuard,
): Promise<{ context: CommandContext; status: 'done' | 'refused'; error?: DomainErrorCode }> {
  const fresh = (): CommandContext => ({ ...loaded, notices: [], pendingAudit: [] });
  const { command, now, tx } = loaded;
  const floodKey = `${command.actor.platform}:${command.actor.platformUserId}`;
  const floodState = flood.check(floodKey, now.getTime());
  if (floodState !== 'ok') {
    const context = fresh();
    if (floodState === 'warn') pushRefusal(context, 'rate_limited', { seconds: flood.retryAfterSeconds(floodKey, now.getTime()) });
    return { context, status: 'refused', error: 'rate_limited' };
  }
  // Taken before the command's first write, and not released: a later ROLLBACK TO finds the newest savepoint of this
  // name, which is this command's. A command that only reads takes none: a refusal then has nothing to undo.
  let savepoint: Promise<unknown> | null = null;
  const context: CommandContext = {
    ...fresh(),
    tx: beforeFirstWrite(tx, async () => {
      savepoint ??= tx.$executeRaw`SAVEPOINT yishi_command`;
      await savepoint;
    }),
  };
  // Earlier commands' notices this one wrote (settleOutbox) are unwritten again if it is rolled back.
  const unwrittenBefore = [...(loaded.unwritten ?? [])];
  try {
    await (handlers[command.action.type] as (c: CommandContext, a: Action) => Promise<void>)(context, command.action);
    return { context, status: 'done' };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    if (savepoint) {
      await tx.$executeRaw`ROLLBACK TO SAVEPOINT yishi_command`;
      loaded.unwritten?.splice(0, loaded.unwritten.length, ...unwrittenBefore);
    }
    const refusal = fresh();
    pushRefusal(refusal, error.code, error.params);
    return { context: refusal, status: 'refused', error: error.code };
  }
}

const columnsOf = (alias: string, fields: Record<string, string>) =>
  Prisma.raw(
    Object.values(fields)
      .map((field) => `${alias}."${field}" AS "${alias}.${field}"`)
      .join(', '),
  );

/** The columns `alias.*` of a row, as an object; null for the all-null side of an outer join. */
function rowOf<T>(row: Record<string, unknown>, alias: string): T | null {
  const prefix = `${alias}.`;
  const entries = Object.entries(row)
    .filter(([key]) => key.startsWith(prefix))
    .map(([key, value]) => [key.slice(prefix.length), value]);
  return entries.some(([key, value]) => key === 'id' && value !== null) ? (Object.fromEntries(entries) as T) : null;
}

/**
 * The actor and the chat as the platform names them now (recorded, or updated where their name, title or private
 * chat changed), and the community the command speaks to: the chat's, or for a private chat the member's only one.
 * One statement, rarely two: a row someone else recorded after the statement began is seen by the next.
 */
export async function loadContext(tx: Tx, command: EngineCommand, now: Date, settings: EngineSettings): Promise<Loaded> {
  for (let attempt = 1; ; attempt++) {
    const [row] = await tx.$queryRaw<Array<Record<string, unknown>>>(contextSql(command, now));
    const member = rowOf<Member>(row ?? {}, 'm');
    const chat = rowOf<Chat>(row ?? {}, 'c');
    if (!member || !chat) {
      if (attempt === 3) throw new Error(`no member or chat row for event ${command.eventId}`);
      continue;
    }
    const community = rowOf<Community>(row!, 'o');
    const locale = resolveLocale(member, chat, community, command.actor.languageHint);
    const households = row!.households as ClaimedHousehold[];
    const memberOf = new Set(row!.memberOf as number[]);
    const roles = (row!.roles as Array<Omit<Role, 'grantedAt'> & { grantedAt: number }>).map((role) => ({
      ...role,
      grantedAt: new Date(role.grantedAt),
    }));
    return { tx, now, settings, command, member, chat, community, locale, households, memberOf, roles };
  }
}

function contextSql(command: EngineCommand, now: Date): Prisma.Sql {
  const { actor, chat } = command;
  const isPrivate = chat.kind === 'private';
  const newTitle = isPrivate ? null : chat.title || null;
  // An upsert whose update is skipped returns no row: the row is then read as it was when the statement began.
  return Prisma.sql`
    WITH upserted AS (
      INSERT INTO "Member" AS x ("platform", "platformUserId", "displayName", "createdAt", "updatedAt")
      VALUES (${actor.platform}::"Platform", ${actor.platformUserId}, ${actor.displayName}, ${now}, ${now})
      ON CONFLICT ("platform", "platformUserId") DO UPDATE SET "displayName" = EXCLUDED."displayName", "updatedAt" = EXCLUDED."updatedAt"
        WHERE x."displayName" IS DISTINCT FROM EXCLUDED."displayName"
      RETURNING *
    ), m AS (
      SELECT * FROM upserted
      UNION ALL
      SELECT * FROM "Member" WHERE "platform" = ${actor.platform}::"Platform" AND "platformUserId" = ${actor.platformUserId}
        AND NOT EXISTS (SELECT FROM upserted)
    ), chatUpserted AS (
      INSERT INTO "Chat" AS x ("platform", "platformChatId", "kind", "title", "memberId", "createdAt", "updatedAt")
      SELECT ${chat.platform}::"Platform", ${chat.platformChatId}, ${chat.kind}::"ChatKind", ${chat.title ?? null},
        CASE WHEN ${isPrivate} THEN m."id" END, ${now}, ${now}
      FROM m
      ON CONFLICT ("platform", "platformChatId") DO UPDATE SET
        "memberId" = CASE WHEN ${isPrivate} THEN EXCLUDED."memberId" ELSE x."memberId" END,
        "leftAt" = CASE WHEN ${isPrivate} THEN NULL ELSE x."leftAt" END,
        "title" = COALESCE(${newTitle}, x."title"),
        "updatedAt" = EXCLUDED."updatedAt"
        WHERE (${isPrivate} AND (x."memberId" IS DISTINCT FROM EXCLUDED."memberId" OR x."leftAt" IS NOT NULL))
          OR x."title" IS DISTINCT FROM COALESCE(${newTitle}, x."title")
      RETURNING *
    ), c AS (
      SELECT * FROM chatUpserted
      UNION ALL
      SELECT * FROM "Chat" WHERE "platform" = ${chat.platform}::"Platform" AND "platformChatId" = ${chat.platformChatId}
        AND NOT EXISTS (SELECT FROM chatUpserted)
    ), mine AS (${membershipPairs(Prisma.sql`ARRAY(SELECT "id" FROM m)`)})
    SELECT ${columnsOf('m', Prisma.MemberScalarFieldEnum)}, ${columnsOf('c', Prisma.ChatScalarFieldEnum)},
      ${columnsOf('o', Prisma.CommunityScalarFieldEnum)},
      ARRAY(SELECT "communityId" FROM mine) AS "memberOf",
      (SELECT coalesce(jsonb_agg(to_jsonb(r) || jsonb_build_object('grantedAt', floor(extract(epoch FROM r."grantedAt") * 1000)) ORDER BY r."id"), '[]')
        FROM "Role" r WHERE r."memberId" = (SELECT "id" FROM m)) AS "roles",
      (SELECT coalesce(jsonb_agg(to_jsonb(h) - 'memberId' ORDER BY h."id"), '[]') FROM (${claimedHouseholdRows(Prisma.sql`ARRAY(SELECT "id" FROM m)`)}) h) AS "households"
    FROM m, c LEFT JOIN "Community" o ON o."id" = COALESCE(c."communityId",
      CASE WHEN c."kind" = 'private' THEN (SELECT CASE WHEN count(*) = 1 THEN min("communityId") END FROM mine) END)`;
}
