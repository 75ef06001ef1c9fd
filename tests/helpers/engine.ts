// Drives the real engine on a real database through the interface adapters use: normalised inbound events,
// parsed from the same command text and button data residents send.

import { afterAll, beforeAll } from 'vitest';
import { parseCommand } from '../../src/adapters/shared/parse-command.js';
import { manualClock } from '../../src/core/clock.js';
import type { DatabaseKind } from '../../src/db/database.js';
import { decodeButton } from '../../src/engine/buttons.js';
import type { Action, ChatRef } from '../../src/engine/commands.js';
import { createEngine, type DispatchResult, type Engine } from '../../src/engine/index.js';
import { createCommunity } from '../../src/engine/modules/setup/create-community.js';
import { importRegister } from '../../src/engine/modules/setup/import-register.js';
import { issueClaimCodes, issueLinkCode } from '../../src/engine/modules/setup/issue-codes.js';
import { addParty } from '../../src/engine/modules/setup/manage-parties.js';
import { grantRole } from '../../src/engine/modules/setup/manage-roles.js';
import type { EngineSettings } from '../../src/engine/settings.js';
import { openTestDatabase, type TestDatabase } from './database.js';

export type Person = { id: string; name: string; languageHint?: string };

let eventCounter = 0;
let chatCounter = 0;

export function uniqueChatId(): string {
  chatCounter += 1;
  return `-100${process.pid}${chatCounter}`;
}

export function createHarness(db: TestDatabase, settings: Partial<EngineSettings> = {}) {
  const clock = manualClock(new Date('2026-11-30T02:00:00Z'));
  const engine: Engine = createEngine({ db: db.prisma, clock, settings: { floodLimit: 10_000, ...settings } });
  const privateChat = (person: Person): ChatRef => ({ platform: 'telegram', platformChatId: `p${person.id}`, kind: 'private' });

  /** One inbound event; `eventId` may be given to replay an earlier delivery; `tapped`: a button, not typed. */
  function deliver(person: Person, chat: ChatRef, action: Action, eventId?: string, tapped = false): Promise<DispatchResult> {
    eventCounter += 1;
    return engine.dispatch({
      eventId: eventId ?? `${process.pid}-${eventCounter}`,
      actor: { platform: 'telegram', platformUserId: person.id, displayName: person.name, languageHint: person.languageHint },
      chat,
      messageId: `m${eventCounter}`,
      ...(tapped ? { tapId: `cb${eventCounter}` } : {}),
      action,
    });
  }

  return {
    engine,
    clock,
    db,
    privateChat,
    deliver,
    /** A typed message, as an adapter passes it on. */
    say(person: Person, chat: ChatRef, text: string, eventId?: string) {
      const action = parseCommand(text);
      if (!action) throw new Error(`not a command: ${text}`);
      return deliver(person, chat, action, eventId);
    },
    /** A tapped button, as an adapter passes it on. */
    tap(person: Person, chat: ChatRef, data: string) {
      const action = decodeButton(data);
      if (!action) throw new Error(`not button data: ${data}`);
      return deliver(person, chat, action, undefined, true);
    },
  };
}

export type Harness = ReturnType<typeof createHarness>;

export const group = (title: string): ChatRef => ({ platform: 'telegram', platformChatId: uniqueChatId(), kind: 'group', title });

/**
 * A community as a committee sets it up: building 1栋 with 6 households, 2栋 with 3, parties 物业 and 街道城管科,
 * chats linked for 1栋, 2栋, the whole community, the committee and 物业, and residents who claimed households.
 */
export async function buildCommunity(h: Harness, options: { slug?: string } = {}) {
  const slug = options.slug ?? `c${process.pid}x${++chatCounter}`;
  const op = h.engine.operate;
  await op((tx, now) => createCommunity(tx, { slug, name: '幸福社区' }, now));
  const units = [
    ...['101', '102', '201', '202', '301', '302'].map((unit) => ({ building: '1栋', unit, area_m2: '88.50', owner: `业主${unit}` })),
    ...['101', '102', '201'].map((unit) => ({ building: '2栋', unit, area_m2: '120.00', owner: `业主2-${unit}` })),
  ];
  const rows = units.map((u, i) => ({ line: i + 2, ...u }));
  await op((tx, now) => importRegister(tx, slug, rows, now));
  await op((tx, now) => addParty(tx, slug, { kind: 'property_manager', name: '物业' }, now));
  await op((tx, now) => addParty(tx, slug, { kind: 'department', name: '街道城管科' }, now));
  const codes = await op((tx, now) => issueClaimCodes(tx, slug, { days: 30 }, now));
  const codeOf = (building: string, unit: string) => codes.find((c) => c.building === building && c.unit === unit)!.code;

  const chats = {
    b1: group('1栋业主群'),
    b2: group('2栋业主群'),
    community: group('幸福社区居民群'),
    committee: group('居委会工作群'),
    property: group('物业对接群'),
  };
  const linker: Person = { id: `${slug}-linker`, name: '连接人' };
  const link = async (chat: ChatRef, binding: 'building' | 'community' | 'committee' | 'party', name?: string) => {
    const { code } = await op((tx, now) => issueLinkCode(tx, slug, { binding, name, days: 7 }, now));
    const result = await h.say(linker, chat, `/link ${code}`);
    if (result.status !== 'done') throw new Error(`link failed: ${JSON.stringify(result)}`);
  };
  await link(chats.b1, 'building', '1栋');
  await link(chats.b2, 'building', '2栋');
  await link(chats.community, 'community');
  await link(chats.committee, 'committee');
  await link(chats.property, 'party', '物业');

  const person = (key: string, name: string): Person => ({ id: `${slug}-${key}`, name });
  const residents = {
    /** Households 1栋 101..302, one resident each; r1b shares 101 with r1. */
    r1: person('r1', '张伟'),
    r1b: person('r1b', '张伟家属'),
    r2: person('r2', '王芳'),
    r3: person('r3', '李娜'),
    r4: person('r4', '刘洋'),
    r5: person('r5', '陈静'),
    r6: person('r6', '杨磊'),
    /** 2栋 101. */
    s1: person('s1', '赵敏'),
  };
  const claims: Array<[Person, string, string]> = [
    [residents.r1, '1栋', '101'],
    [residents.r2, '1栋', '102'],
    [residents.r3, '1栋', '201'],
    [residents.r4, '1栋', '202'],
    [residents.r5, '1栋', '301'],
    [residents.r6, '1栋', '302'],
    [residents.s1, '2栋', '101'],
  ];
  for (const [who, building, unit] of claims) {
    const result = await h.say(who, h.privateChat(who), `/claim ${codeOf(building, unit)}`);
    if (result.status !== 'done') throw new Error(`claim failed: ${JSON.stringify(result)}`);
  }
  const extra = await op((tx, now) => issueClaimCodes(tx, slug, { building: '1栋', days: 30 }, now));
  await h.say(residents.r1b, h.privateChat(residents.r1b), `/claim ${extra.find((c) => c.unit === '101')!.code}`);

  const staff = {
    committee: person('committee', '居委会刘主任'),
    head1: person('head1', '1栋楼长'),
    head2: person('head2', '2栋楼长'),
    groupHead: person('grouphead', '居民小组长'),
    representative: person('rep', '居民代表'),
    propertyStaff: person('property', '物业小王'),
    cityStaff: person('city', '城管老李'),
    outsider: person('outsider', '路人'),
  };
  for (const who of Object.values(staff)) await h.say(who, h.privateChat(who), '/start');
  const grant = (who: Person, role: Parameters<typeof grantRole>[2]['role'], scope: { building?: string; party?: string } = {}) =>
    op((tx, now) => grantRole(tx, slug, { member: `telegram:${who.id}`, role, ...scope }, now));
  await grant(staff.committee, 'committee');
  await grant(staff.head1, 'building_head', { building: '1栋' });
  await grant(staff.head2, 'building_head', { building: '2栋' });
  await grant(staff.groupHead, 'group_head');
  await grant(staff.representative, 'representative');
  await grant(staff.propertyStaff, 'responder', { party: '物业' });
  await grant(staff.cityStaff, 'responder', { party: '街道城管科' });

  const community = await h.db.prisma.community.findUniqueOrThrow({ where: { slug } });
  const chatRow = async (chat: ChatRef) =>
    h.db.prisma.chat.findUniqueOrThrow({
      where: { platform_platformChatId: { platform: 'telegram', platformChatId: chat.platformChatId } },
    });
  return { slug, community, chats, residents, staff, chatRow };
}

/** Counts of every table a refused command must leave alone. */
export async function domainSnapshot(db: TestDatabase) {
  const p = db.prisma;
  const [issues, supports, escalations, followUps, ratings, claims, roles, drafts, codesUsed, audit, reminders] = await Promise.all([
    p.issue.findMany({ orderBy: { id: 'asc' } }),
    p.support.count(),
    p.escalation.count(),
    p.followUp.findMany({ orderBy: { id: 'asc' } }),
    p.rating.findMany({ orderBy: { id: 'asc' } }),
    p.householdClaim.count(),
    p.role.count(),
    p.issueDraft.count(),
    p.oneTimeCode.count({ where: { usedAt: { not: null } } }),
    p.auditEntry.count(),
    p.scheduledReminder.count(),
  ]);
  const chats = await p.chat.findMany({
    orderBy: { id: 'asc' },
    select: { id: true, binding: true, communityId: true, buildingId: true, partyId: true },
  });
  const members = await p.member.findMany({ orderBy: { id: 'asc' }, select: { id: true, locale: true } });
  return { issues, supports, escalations, followUps, ratings, claims, roles, drafts, codesUsed, audit, reminders, chats, members };
}

export type CommunitySetup = { db: TestDatabase; h: Harness; c: Awaited<ReturnType<typeof buildCommunity>> };

/** A fresh database of `kind` with one community built in it for the whole file; closed after. */
export function useCommunity(kind: DatabaseKind): CommunitySetup {
  const setup = {} as CommunitySetup;
  beforeAll(async () => {
    setup.db = await openTestDatabase(kind);
    setup.h = createHarness(setup.db);
    setup.c = await buildCommunity(setup.h);
  });
  afterAll(() => setup.db?.close());
  return setup;
}
