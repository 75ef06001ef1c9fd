// The fast path for bursts of support and vote taps (engine.dispatchAll) against the general path (engine.dispatch,
// one command per transaction): two databases set up identically, the same seeded sequence of taps sent to one
// command by command and to the other in batches, and every effect compared. Rare outcomes (escalations, turnout
// milestones, closed polls, strangers, renamed members) are handed to the general path; the sequence makes sure
// they happen, and a pass-through spy on the fast path makes sure it really decided a good share of the taps.
// dispatchAll hands everything else to the use-cases in batches sharing a transaction (command-batch.ts); the last
// suite sends every kind of command both ways and compares the same effects.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCommand } from '../../src/adapters/shared/parse-command.js';
import type { DatabaseKind } from '../../src/db/database.js';
import type { AuditEntry } from '../../src/db/generated/client.js';
import { verifyChain } from '../../src/engine/audit-chain.js';
import type { Action, EngineCommand } from '../../src/engine/commands.js';
import type { DispatchResult } from '../../src/engine/index.js';
import { secretVoterKey } from '../../src/engine/modules/polls/poll-queries.js';
import type { EngineSettings } from '../../src/engine/settings.js';
import { describeEachDatabase, openTestDatabase } from '../helpers/database.js';
import { buildCommunity, createHarness, type Harness, type Person } from '../helpers/engine.js';

/** What the fast path did, counted by a spy that passes every call through unchanged. */
const fastPath = vi.hoisted(() => ({ batches: 0, failed: 0, decided: 0, handedOver: 0, decidedEvents: [] as string[] }));

vi.mock('../../src/engine/tap-batch.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/engine/tap-batch.js')>();
  return {
    ...actual,
    dispatchTaps: async (...args: Parameters<typeof actual.dispatchTaps>) => {
      fastPath.batches += 1;
      try {
        const result = await actual.dispatchTaps(...args);
        const decided = [...result.outcomes].filter(([, outcome]) => outcome.status !== 'duplicate');
        fastPath.decided += decided.length;
        fastPath.decidedEvents.push(...decided.map(([command]) => command.eventId));
        fastPath.handedOver += result.rest.length;
        return result;
      } catch (error) {
        fastPath.failed += 1;
        throw error;
      }
    },
  };
});

function resetFastPath() {
  Object.assign(fastPath, { batches: 0, failed: 0, decided: 0, handedOver: 0, decidedEvents: [] });
}

const slug = 'taps';
const ballotSecret = 'same-secret';

/** The polls `openWorld` opens: their numbers and how many options each has. */
const polls = {
  ordinary: { number: 1, options: 3 },
  multi: { number: 2, options: 4 },
  secret: { number: 3, options: 2 },
  owners: { number: 4, options: 3 },
  closed: { number: 5, options: 2 },
} as const;

/** A linked group, or `dm`: the actor's private chat with the bot. */
type ChatKey = 'b1' | 'b2' | 'community' | 'dm';
type ActorKey = 'r1' | 'r1b' | 'r2' | 'r3' | 'r4' | 'r5' | 'r6' | 's1' | 'outsider' | 'newcomer' | StaffKey;
/** Who sends the committee's and building heads' commands between the taps. */
type StaffKey = 'committee' | 'head1' | 'head2';
const residentKeys: ActorKey[] = ['r1', 'r1b', 'r2', 'r3', 'r4', 'r5', 'r6', 's1'];

/** One tap, independent of the database it is sent to (chat ids differ between the two). */
/** `tapped`: a button (answered to the tapper alone), else typed. */
type Spec = { eventId: string; messageId: string; actor: ActorKey; renamed?: boolean; chat: ChatKey; action: Action; tapped?: boolean };

type World = Awaited<ReturnType<typeof openWorld>>;

/**
 * A fresh database with the `taps` community, two issues (#1 in 1栋's chat by r1, #2 in the community chat by r2),
 * a support threshold of 4 households, and five polls opened by the committee in the community chat: #1 ordinary
 * (3 options), #2 multi-choice (4), #3 secret (2), #4 an owners' vote, #5 closed at once.
 */
async function openWorld(kind: DatabaseKind, settings: Partial<EngineSettings> = {}) {
  const db = await openTestDatabase(kind);
  try {
    const h = createHarness(db, { ballotSecret, ...settings });
    const c = await buildCommunity(h, { slug });
    const must = async (result: Promise<DispatchResult>, what: string) => {
      const done = await result;
      if (done.status !== 'done') throw new Error(`${what}: ${JSON.stringify(done)}`);
    };
    const { committee } = c.staff;
    await must(h.say(c.residents.r1, c.chats.b1, '/issue 1栋电梯经常停在三楼不动'), 'issue 1');
    await must(h.say(c.residents.r2, c.chats.community, '/issue 小区南门的路灯坏了一个月'), 'issue 2');
    await db.prisma.community.update({ where: { id: c.community.id }, data: { supportThresholdKind: 'count', supportThresholdValue: 4 } });
    await must(h.say(committee, c.chats.community, '/poll 春节装饰选哪种？| 红灯笼 | 彩灯 | 不装饰'), 'poll 1');
    await must(h.say(committee, c.chats.community, '/poll 希望增加哪些设施？| 健身器材 | 儿童滑梯 | 长椅 | 凉亭 --multi'), 'poll 2');
    await must(h.say(committee, c.chats.community, '/poll 是否更换物业公司？| 更换 | 不更换 --secret'), 'poll 3');
    await must(h.say(committee, c.chats.community, '/ownersvote ordinary 续聘现物业公司三年'), 'poll 4');
    await must(h.say(committee, c.chats.community, '/poll 已经结束的投票 | 甲 | 乙'), 'poll 5');
    await must(h.say(committee, c.chats.community, '/close 5'), 'close 5');
    const numbers = await db.prisma.poll.findMany({
      where: { communityId: c.community.id },
      orderBy: { id: 'asc' },
      select: { number: true },
    });
    if (numbers.map((p) => p.number).join() !== '1,2,3,4,5') throw new Error('unexpected poll numbers');

    const people: Record<ActorKey, Person> = {
      ...c.residents,
      outsider: c.staff.outsider,
      committee: c.staff.committee,
      head1: c.staff.head1,
      head2: c.staff.head2,
      /** Never seen by the engine before their first tap. */
      newcomer: { id: `${slug}-newcomer`, name: '新搬来的邻居' },
    };
    const chatNames = new Map(Object.entries(c.chats).map(([name, chat]) => [chat.platformChatId, name]));
    const baseline = {
      outbox: (await db.prisma.outboxNotice.aggregate({ _max: { id: true } }))._max.id ?? 0,
      audit: (await db.prisma.auditEntry.aggregate({ _max: { id: true } }))._max.id ?? 0,
    };
    return { db, h, c, people, chatNames, baseline };
  } catch (error) {
    await db.close();
    throw error;
  }
}

function toCommand(world: World, spec: Spec): EngineCommand {
  const person = world.people[spec.actor];
  return {
    eventId: spec.eventId,
    actor: { platform: 'telegram', platformUserId: person.id, displayName: spec.renamed ? `${person.name}（改名）` : person.name },
    chat: spec.chat === 'dm' ? world.h.privateChat(person) : world.c.chats[spec.chat],
    messageId: spec.messageId,
    ...(spec.tapped ? { tapId: `cb-${spec.eventId}` } : {}),
    action: structuredClone(spec.action),
  };
}

async function oneByOne(world: World, specs: Spec[]): Promise<DispatchResult[]> {
  const results: DispatchResult[] = [];
  for (const spec of specs) results.push(await world.h.engine.dispatch(toCommand(world, spec)));
  return results;
}

async function inBatches(world: World, specs: Spec[], size: number): Promise<DispatchResult[]> {
  const results: DispatchResult[] = [];
  for (let start = 0; start < specs.length; start += size) {
    const batch = await world.h.engine.dispatchAll(specs.slice(start, start + size).map((spec) => toCommand(world, spec)));
    expect(batch).toHaveLength(Math.min(size, specs.length - start));
    results.push(...batch);
  }
  return results;
}

/** mulberry32: a tiny seeded PRNG, so a failing sequence can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A tap on one of the polls (or #99, which does not exist); now and then on position 7, which no poll has. */
function voteAction(random: () => number, number: number, options: number): Action {
  return { type: 'poll.vote', number, position: random() < 0.08 ? 7 : Math.floor(random() * options) };
}

/**
 * The one-chat sequence: supports of #1, #2 and #99, votes on every poll, by residents, an outsider and a stranger,
 * now and then under a changed name, and redeliveries of events of earlier batches.
 */
function oneChatSequence(seed: number, length: number, batch: number): Spec[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const specs: Spec[] = [];
  while (specs.length < length) {
    const index = specs.length;
    const earlier = specs.slice(0, Math.floor(index / batch) * batch);
    if (earlier.length > 0 && random() < 0.06) {
      specs.push(pick(earlier));
      continue;
    }
    const who = random();
    const actor: ActorKey = who < 0.08 ? 'outsider' : who < 0.12 ? 'newcomer' : pick(residentKeys);
    const renamed = actor !== 'newcomer' && actor !== 'outsider' && random() < 0.015;
    const r = random();
    const action: Action =
      r < 0.13
        ? { type: 'issue.support', number: 1 }
        : r < 0.26
          ? { type: 'issue.support', number: 2 }
          : r < 0.3
            ? { type: 'issue.support', number: 99 }
            : r < 0.46
              ? voteAction(random, polls.ordinary.number, polls.ordinary.options)
              : r < 0.62
                ? voteAction(random, polls.multi.number, polls.multi.options)
                : r < 0.76
                  ? voteAction(random, polls.secret.number, polls.secret.options)
                  : r < 0.93
                    ? voteAction(random, polls.owners.number, polls.owners.options)
                    : r < 0.96
                      ? voteAction(random, polls.closed.number, polls.closed.options)
                      : voteAction(random, 99, 2);
    const tapped = index % 2 === 0;
    specs.push({ eventId: `taps-${seed}-${index}`, messageId: `tm-${seed}-${index}`, actor, renamed, chat: 'community', action, tapped });
  }
  return specs;
}

/** Where a member taps the single-choice polls in the several-chats test: always the same chat, so their last tap is well defined. */
const homeChat: Record<ActorKey, ChatKey> = {
  r1: 'b1',
  r1b: 'b1',
  r5: 'b1',
  r2: 'community',
  r3: 'community',
  r6: 'community',
  r4: 'b2',
  s1: 'b2',
  outsider: 'b2',
  newcomer: 'community',
  committee: 'community',
  head1: 'b1',
  head2: 'b2',
};

/** The several-chats sequence: supports and multi-choice votes anywhere, single-choice votes in the voter's home chat. */
function severalChatsSequence(seed: number, length: number): Spec[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chats: ChatKey[] = ['b1', 'b2', 'community'];
  const specs: Spec[] = [];
  for (let index = 0; index < length; index += 1) {
    const actor: ActorKey = random() < 0.08 ? 'outsider' : pick(residentKeys);
    const r = random();
    let action: Action;
    let chat = pick(chats);
    if (r < 0.18) action = { type: 'issue.support', number: 1 };
    else if (r < 0.36) action = { type: 'issue.support', number: 2 };
    else if (r < 0.56) action = voteAction(random, polls.multi.number, polls.multi.options);
    else {
      const poll = r < 0.7 ? polls.ordinary : r < 0.82 ? polls.secret : polls.owners;
      action = voteAction(random, poll.number, poll.options);
      chat = homeChat[actor];
    }
    specs.push({ eventId: `chats-${seed}-${index}`, messageId: `cm-${seed}-${index}`, actor, chat, action, tapped: index % 3 === 0 });
  }
  return specs;
}

/**
 * The every-kind sequence: typed commands of every kind the residents and the committee send in a day (new issues and
 * near-duplicates of #1, supports, /show, /issues, /results, /start, /lang, /help, polls opened and closed, a wrong
 * claim code, unknown and malformed commands, an outsider's issue) between support and vote taps, in the groups and
 * in private chats, with redeliveries of earlier events, of the same batch too.
 */
function everyKindSequence(seed: number, length: number): Spec[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  // Drawn apart from the sequence, so the sequence stays what it was: a few members renamed between two messages.
  const renames = prng(seed + 1);
  const groups: ChatKey[] = ['b1', 'b2', 'community'];
  const specs: Spec[] = [];
  while (specs.length < length) {
    const index = specs.length;
    if (index > 0 && random() < 0.05) {
      specs.push(pick(specs));
      continue;
    }
    const ids = { eventId: `kinds-${seed}-${index}`, messageId: `km-${seed}-${index}` };
    const typed = (actor: ActorKey, chat: ChatKey, text: string): Spec => {
      const action = parseCommand(text);
      if (!action) throw new Error(`not a command: ${text}`);
      return { ...ids, actor, chat, action, renamed: renames() < 0.1 };
    };
    const resident = pick(residentKeys);
    const group = pick(groups);
    const r = random();
    specs.push(
      r < 0.08
        ? typed(
            resident,
            group,
            `/issue ${pick([`第${index}号楼道的灯不亮了`, '1栋电梯经常停在三楼不动了', `垃圾站第${index}天没有清运`])}`,
          )
        : r < 0.14
          ? typed(resident, group, `/support ${pick([1, 2, 3, 99])}`)
          : r < 0.21
            ? typed(resident, group, `/show ${pick([1, 2, 3, 99])}`)
            : r < 0.26
              ? typed(resident, 'dm', '/issues')
              : r < 0.3
                ? typed(pick([...residentKeys, 'newcomer', 'outsider'] as ActorKey[]), 'dm', '/start')
                : r < 0.34
                  ? typed(resident, pick(['dm', group]), `/lang ${pick(['en', 'zh-CN', 'xx'])}`)
                  : r < 0.36
                    ? typed('newcomer', 'dm', '/claim ABCD2345')
                    : r < 0.4
                      ? typed(resident, group, `/results ${pick([1, 2, 4, 6, 99])}`)
                      : r < 0.44
                        ? typed(
                            pick([resident, 'newcomer'] as ActorKey[]),
                            group,
                            pick(['/help', '/nonsense', '/support abc', '/issue   ']),
                          )
                        : r < 0.47
                          ? typed('committee', 'community', `/poll 第${index}次意见征集 | 同意 | 不同意`)
                          : r < 0.49
                            ? typed(pick(['committee', 'head1'] as ActorKey[]), 'community', `/close ${pick([6, 7, 8])}`)
                            : r < 0.51
                              ? typed('outsider', group, '/issue 路人想反映的问题')
                              : {
                                  ...ids,
                                  actor: resident,
                                  chat: group,
                                  tapped: true,
                                  action:
                                    r < 0.75
                                      ? { type: 'issue.support', number: pick([1, 2]) }
                                      : voteAction(random, pick([polls.multi, polls.owners]).number, 3),
                                },
    );
  }
  return specs;
}

const byJson = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0);

/**
 * Everything the taps may have changed, in terms that do not depend on the order rows were written: members by
 * platform id (a secret ballot's voter key is matched back to its member by recomputing the keyed hash), issues
 * and polls by number, chats by their part in the world (a private chat by its member: a batch may record a chat
 * ahead of the commands before it, so its row id can differ).
 */
async function effects(world: World, eventIds: string[]) {
  const p = world.db.prisma;
  const communityId = world.c.community.id;
  const members = await p.member.findMany({ orderBy: { id: 'asc' }, include: { claims: true } });
  const memberKey = new Map(members.map((member) => [member.id, member.platformUserId]));
  const who = (id: number | null) => (id === null ? null : (memberKey.get(id) ?? `member #${id} (gone)`));
  const pollRows = await p.poll.findMany({ where: { communityId }, orderBy: { number: 'asc' }, include: { options: true } });
  const secretKeys = new Map<string, string>();
  for (const poll of pollRows.filter((candidate) => candidate.secret))
    for (const member of members) secretKeys.set(secretVoterKey(ballotSecret, poll.id, member.id), `secret of ${member.platformUserId}`);
  const chatRows = await p.chat.findMany({ select: { id: true, platformChatId: true, memberId: true } });
  const chatNames = new Map(
    chatRows.map((chat) => [chat.id, world.chatNames.get(chat.platformChatId) ?? `private chat of ${who(chat.memberId)}`]),
  );
  const chatName = (id: number) => chatNames.get(id) ?? `chat #${id} (gone)`;
  const voter = (key: string) =>
    key.startsWith('secret:')
      ? (secretKeys.get(key) ?? `unmatched ${key}`)
      : key.startsWith('member:')
        ? `member ${who(Number(key.slice('member:'.length)))}`
        : key;
  const optionOf = new Map(
    pollRows.flatMap((poll) => poll.options.map((option) => [option.id, `${poll.number}/${option.position}`] as const)),
  );

  const supports = (await p.support.findMany({ include: { issue: true } }))
    .map((support) => ({ issue: support.issue.number, member: who(support.memberId), householdId: support.householdId }))
    .sort(byJson);
  const escalations = (await p.escalation.findMany({ include: { issue: true }, orderBy: { id: 'asc' } })).map((escalation) => ({
    issue: escalation.issue.number,
    fromLevel: escalation.fromLevel,
    toLevel: escalation.toLevel,
    cause: escalation.cause,
    by: who(escalation.byId),
    reason: escalation.reason,
  }));
  const issues = (await p.issue.findMany({ where: { communityId }, orderBy: { number: 'asc' } })).map((issue) => ({
    number: issue.number,
    text: issue.text,
    level: issue.level,
    status: issue.status,
    raisedBy: who(issue.raisedById),
  }));
  const draftRows = await p.issueDraft.findMany({ orderBy: { id: 'asc' } });
  // A batch run again (a command refused after it wrote) has used up row ids: drafts are named by their order instead.
  const draftNumber = new Map(draftRows.map((draft, index) => [draft.id, `draft ${index + 1}`]));
  const buttonsOf = (buttons: unknown) =>
    Array.isArray(buttons)
      ? buttons.map((button: { draftId?: number }) =>
          button.draftId === undefined
            ? button
            : { ...button, draftId: draftNumber.get(button.draftId) ?? `draft #${button.draftId} (gone)` },
        )
      : buttons;
  const drafts = draftRows.map((draft) => ({
    member: who(draft.memberId),
    chatId: draft.chatId,
    text: draft.text,
    raised: draft.issueId !== null,
  }));
  const ballots = (await p.ballot.findMany({ include: { poll: true, choices: true } }))
    .map((ballot) => ({
      poll: ballot.poll.number,
      voter: voter(ballot.voterKey),
      householdId: ballot.householdId,
      member: who(ballot.memberId),
      castBy: who(ballot.castById),
      source: ballot.source,
      note: ballot.note,
      choices: ballot.choices.map((choice) => optionOf.get(choice.optionId)).sort(),
    }))
    .sort(byJson);
  const pollStates = pollRows.map((poll) => ({ number: poll.number, status: poll.status, turnoutMilestone: poll.turnoutMilestone }));
  const people = members.map((member) => ({
    platformUserId: member.platformUserId,
    displayName: member.displayName,
    locale: member.locale,
    claims: member.claims.map((claim) => claim.householdId).sort(),
  }));

  // Keys and audit entries name issues and polls by row id, which a batch run again has moved on: by number instead.
  const issueNumber = new Map((await p.issue.findMany({ select: { id: true, number: true } })).map((row) => [row.id, row.number]));
  const pollNumber = new Map(pollRows.map((poll) => [poll.id, poll.number]));
  const numbered = (key: string | null) =>
    key?.replace(/^(issue\.card|issue\.live|poll\.opened|poll\.live):(\d+)$/, (_, kind: string, id: string) => {
      const number = (kind.startsWith('issue') ? issueNumber : pollNumber).get(Number(id));
      return `${kind}:#${number ?? `${id} (gone)`}`;
    }) ?? null;
  const subjectNumber = (type: string | null, id: number | null) =>
    id === null ? null : type === 'issue' ? `#${issueNumber.get(id)}` : type === 'poll' ? `#${pollNumber.get(id)}` : id;

  const outbox = await p.outboxNotice.findMany({ orderBy: { id: 'asc' } });
  const notices = outbox
    .filter((notice) => notice.dedupeKey === null && notice.id > world.baseline.outbox)
    .map((notice) => ({
      chat: chatName(notice.chatId),
      type: notice.type,
      locale: notice.locale,
      params: notice.params,
      buttons: buttonsOf(notice.buttons),
      replyToMessageId: notice.replyToMessageId,
      answersTap: notice.answersTap,
      editOfKey: numbered(notice.editOfKey),
    }));
  const keyed = Object.fromEntries(
    outbox
      .filter((notice) => notice.dedupeKey !== null)
      .map((notice) => [
        numbered(notice.dedupeKey)!,
        {
          chat: chatName(notice.chatId),
          type: notice.type,
          locale: notice.locale,
          params: notice.params,
          buttons: buttonsOf(notice.buttons),
          state: notice.state,
        },
      ]),
  );

  const chain: AuditEntry[] = await p.auditEntry.findMany({ where: { communityId }, orderBy: { id: 'asc' } });
  const audit = (await p.auditEntry.findMany({ where: { id: { gt: world.baseline.audit } }, orderBy: { id: 'asc' } })).map((entry) => ({
    communityId: entry.communityId,
    actor: who(entry.actorMemberId),
    actorLabel: entry.actorLabel,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: subjectNumber(entry.subjectType, entry.subjectId),
    data: entry.data,
  }));

  // A payload names its chat by platform id, which differs between the two databases: named by its role instead.
  const inbox = (await p.inboxEvent.findMany({ where: { eventId: { in: eventIds } }, orderBy: { eventId: 'asc' } })).map((row) => {
    const payload = JSON.parse(row.payload) as { chat?: { platformChatId: string } };
    return {
      eventId: row.eventId,
      state: row.state,
      payload: payload.chat
        ? { ...payload, chat: { ...payload.chat, platformChatId: world.chatNames.get(payload.chat.platformChatId) ?? 'unknown chat' } }
        : payload,
    };
  });

  return { supports, escalations, issues, drafts, ballots, pollStates, people, notices, keyed, audit, chain, inbox, chatName, buttonsOf };
}

type Effects = Awaited<ReturnType<typeof effects>>;

const refusalCode = (notice: { type: string; params: unknown }) =>
  notice.type === 'command.refused' ? (notice.params as { code: string }).code : null;

/** What a result says about its command: status, and the notices other than the coalesced live counts. */
const resultView = (
  result: DispatchResult,
  chatName: (id: number) => unknown = (id) => id,
  buttonsOf: (buttons: unknown) => unknown = (buttons) => buttons,
) => ({
  status: result.status,
  notices: result.notices
    .filter((notice) => !notice.dedupeKey)
    .map((notice) => ({
      chat: chatName(notice.chatId),
      type: notice.type,
      locale: notice.locale,
      params: notice.params,
      buttons: buttonsOf(notice.buttons),
      replyToMessageId: notice.replyToMessageId,
    })),
});

describeEachDatabase('tap batches (dispatchAll) decide as one command at a time (dispatch) does', (kind) => {
  describe('a burst of ~150 taps in the community chat, sent in batches of 37', () => {
    const seed = 20_261_130;
    const batch = 37;
    let a: World;
    let b: World;
    let specs: Spec[];
    let resultsA: DispatchResult[];
    let resultsB: DispatchResult[];
    let effectsA: Effects;
    let effectsB: Effects;
    let fast: typeof fastPath;

    beforeAll(async () => {
      a = await openWorld(kind);
      b = await openWorld(kind);
      specs = oneChatSequence(seed, 150, batch);
      resultsA = await oneByOne(a, specs);
      resetFastPath();
      resultsB = await inBatches(b, specs, batch);
      fast = { ...fastPath };
      const eventIds = [...new Set(specs.map((spec) => spec.eventId))];
      effectsA = await effects(a, eventIds);
      effectsB = await effects(b, eventIds);
    });
    afterAll(async () => {
      await a?.db.close();
      await b?.db.close();
    });

    it('starts both databases from the same state', () => {
      expect(b.baseline).toEqual(a.baseline);
      expect(b.c.community.id).toBe(a.c.community.id);
      expect([...b.chatNames.values()]).toEqual([...a.chatNames.values()]);
    });

    it('exercises the interesting cases, in both paths', () => {
      const codes = new Set(effectsA.notices.map(refusalCode));
      for (const code of [
        'issue_not_found',
        'not_a_member',
        'already_supported',
        'poll_option_invalid',
        'not_a_voter',
        'poll_not_found',
        'poll_closed',
      ])
        expect(codes, code).toContain(code);
      // Both issues crossed the threshold of 4 households and moved up once, by support.
      expect(effectsA.escalations.map((e) => [e.issue, e.cause])).toEqual(
        expect.arrayContaining([
          [1, 'support'],
          [2, 'support'],
        ]),
      );
      expect(effectsA.ballots.filter((ballot) => ballot.poll === polls.secret.number).length).toBeGreaterThan(0);
      expect(effectsA.ballots.every((ballot) => !ballot.voter.startsWith('unmatched'))).toBe(true);
      expect(
        effectsA.ballots.filter((ballot) => ballot.poll === polls.owners.number && ballot.householdId !== null).length,
      ).toBeGreaterThan(2);
      expect(effectsA.ballots.some((ballot) => ballot.poll === polls.multi.number && ballot.choices.length > 1)).toBe(true);
      expect(effectsA.pollStates.find((poll) => poll.number === polls.owners.number)?.turnoutMilestone).toBeGreaterThanOrEqual(50);
      expect(
        effectsA.inbox.filter((row) => JSON.stringify(row.payload) === JSON.stringify({ redacted: 'secret ballot' })).length,
      ).toBeGreaterThan(0);
      expect(resultsA.filter((result) => result.status === 'duplicate').length).toBeGreaterThanOrEqual(3);
      expect(new Set(effectsA.notices.map((notice) => notice.type))).toEqual(
        new Set([
          'issue.supported',
          'issue.supports_acknowledged',
          'issue.escalated',
          'command.refused',
          'poll.vote_recorded',
          'poll.turnout_progress',
          'poll.results',
          'tap.answered',
        ]),
      );
      // Taps answered to the tapper alone and typed commands answered in the chat, both.
      expect(effectsA.notices.some((notice) => notice.answersTap !== null)).toBe(true);
      expect(effectsA.notices.some((notice) => notice.type === 'issue.supports_acknowledged' && notice.answersTap === null)).toBe(true);
      expect(specs.some((spec) => spec.renamed)).toBe(true);
      expect(specs.some((spec) => spec.actor === 'newcomer')).toBe(true);
      // The fast path ran on every batch, decided a good share of the taps itself and handed some over.
      expect(fast.failed).toBe(0);
      expect(fast.batches).toBe(Math.ceil(specs.length / batch));
      expect(fast.decided).toBeGreaterThanOrEqual(30);
      expect(fast.handedOver).toBeGreaterThan(0);
    });

    it('leaves the same supports, escalations, issues, ballots with their choices, polls and members', () => {
      expect(effectsB.supports).toEqual(effectsA.supports);
      expect(effectsB.escalations).toEqual(effectsA.escalations);
      expect(effectsB.issues).toEqual(effectsA.issues);
      expect(effectsB.ballots).toEqual(effectsA.ballots);
      expect(effectsB.pollStates).toEqual(effectsA.pollStates);
      expect(effectsB.people).toEqual(effectsA.people);
    });

    it('queues the same notices in the same order, and the same final live counts', () => {
      expect(effectsA.notices.length).toBeGreaterThan(50);
      expect(effectsB.notices).toEqual(effectsA.notices);
      expect(Object.keys(effectsA.keyed).filter((key) => key.startsWith('poll.live:')).length).toBeGreaterThanOrEqual(4);
      expect(effectsB.keyed).toEqual(effectsA.keyed);
    });

    it('writes the same audit entries in the same order, on an unbroken chain', () => {
      expect(effectsA.audit.length).toBeGreaterThan(40);
      expect(effectsB.audit).toEqual(effectsA.audit);
      expect(verifyChain(effectsB.chain).broken).toBeNull();
      expect(verifyChain(effectsA.chain).broken).toBeNull();
      expect(effectsB.chain.length).toBe(effectsA.chain.length);
    });

    it('leaves the same inbox rows: every event done, secret votes redacted', () => {
      expect(effectsA.inbox).toHaveLength(new Set(specs.map((spec) => spec.eventId)).size);
      expect(effectsA.inbox.every((row) => row.state === 'done')).toBe(true);
      expect(effectsB.inbox).toEqual(effectsA.inbox);
    });

    it('returns the same results, in input order', () => {
      expect(resultsB).toHaveLength(specs.length);
      expect(resultsB.map((r) => resultView(r))).toEqual(resultsA.map((r) => resultView(r)));
    });

    it('names the refusal in DispatchResult.error as dispatch does', () => {
      expect(resultsB.map((result) => result.error ?? null)).toEqual(resultsA.map((result) => result.error ?? null));
    });
  });

  describe('taps spread over three chats, in one batch', () => {
    const seed = 7_702;
    let a: World;
    let b: World;
    let specs: Spec[];
    let effectsA: Effects;
    let effectsB: Effects;
    let fast: typeof fastPath;

    beforeAll(async () => {
      a = await openWorld(kind);
      b = await openWorld(kind);
      specs = severalChatsSequence(seed, 120);
      await oneByOne(a, specs);
      resetFastPath();
      const results = await b.h.engine.dispatchAll(specs.map((spec) => toCommand(b, spec)));
      expect(results).toHaveLength(specs.length);
      expect(results.filter((result) => result.status === 'failed')).toEqual([]);
      fast = { ...fastPath };
      const eventIds = specs.map((spec) => spec.eventId);
      effectsA = await effects(a, eventIds);
      effectsB = await effects(b, eventIds);
    });
    afterAll(async () => {
      await a?.db.close();
      await b?.db.close();
    });

    it('leaves the same supports, ballots with their choices and escalations', () => {
      expect(fast.failed).toBe(0);
      expect(fast.decided).toBeGreaterThan(10);
      expect(effectsA.supports.length).toBeGreaterThan(8);
      expect(effectsB.supports).toEqual(effectsA.supports);
      expect(effectsA.ballots.length).toBeGreaterThan(10);
      expect(effectsB.ballots).toEqual(effectsA.ballots);
      expect(effectsA.escalations.length).toBeGreaterThan(0);
      expect(effectsB.escalations.length).toBe(effectsA.escalations.length);
      expect(effectsB.pollStates).toEqual(effectsA.pollStates);
    });

    it('answers in each chat in the order the commands came', async () => {
      const order = new Map(specs.map((spec, index) => [spec.messageId, index]));
      for (const [label, replies] of [
        ['one by one', effectsA.notices],
        ['batched', effectsB.notices],
      ] as const) {
        for (const chat of ['b1', 'b2', 'community'] as const) {
          const indices = replies
            .filter((notice) => notice.chat === chat && notice.replyToMessageId !== null)
            .map((notice) => order.get(notice.replyToMessageId!)!);
          expect(indices.length, `${label}: replies in ${chat}`).toBeGreaterThan(3);
          expect(indices.every((index) => specs[index]!.chat === chat)).toBe(true);
          expect(indices, `${label}: replies in ${chat}`).toEqual([...indices].sort((x, y) => x - y));
        }
      }
      // The same commands were answered, in the same chats.
      const answered = (of: Effects) =>
        of.notices
          .filter((notice) => notice.replyToMessageId !== null)
          .map((notice) => `${notice.chat}:${notice.replyToMessageId}`)
          .sort();
      expect(answered(effectsB)).toEqual(answered(effectsA));
    });
  });

  describe('a redelivered tap, within one batch and in a later one', () => {
    // Each event is sent twice in the first call (as an inbox could hand over two copies of one update) and again
    // in later calls; the second and later copies must change nothing.
    const support: Spec = {
      eventId: 'dup-support',
      messageId: 'dm1',
      actor: 'r3',
      chat: 'community',
      action: { type: 'issue.support', number: 2 },
    };
    const secretVote: Spec = {
      eventId: 'dup-secret',
      messageId: 'dm2',
      actor: 'r4',
      chat: 'community',
      action: { type: 'poll.vote', number: 3, position: 1 },
    };
    const multiVote: Spec = {
      eventId: 'dup-multi',
      messageId: 'dm3',
      actor: 'r6',
      chat: 'community',
      action: { type: 'poll.vote', number: 2, position: 0 },
    };
    const vote: Spec = {
      eventId: 'dup-vote',
      messageId: 'dm4',
      actor: 'r5',
      chat: 'b1',
      action: { type: 'poll.vote', number: 1, position: 2 },
    };
    let world: World;
    let statuses: string[][];
    let fast: typeof fastPath;
    beforeAll(async () => {
      world = await openWorld(kind);
      const send = async (list: Spec[]) =>
        (await world.h.engine.dispatchAll(list.map((spec) => toCommand(world, spec)))).map((result) => result.status);
      resetFastPath();
      statuses = [
        await send([support, support, secretVote, secretVote, multiVote, multiVote]),
        await send([vote, support, secretVote, multiVote]),
        await send([vote, vote, support, multiVote]),
        [(await world.h.engine.dispatch(toCommand(world, vote))).status],
      ];
      fast = { ...fastPath };
    });
    afterAll(() => world?.db.close());

    const p = () => world.db.prisma;
    const member = (key: ActorKey) =>
      p().member.findUniqueOrThrow({ where: { platform_platformUserId: { platform: 'telegram', platformUserId: world.people[key].id } } });
    const pollId = async (number: number) =>
      (await p().poll.findUniqueOrThrow({ where: { communityId_number: { communityId: world.c.community.id, number } } })).id;
    const choicesOf = async (number: number) =>
      (await p().ballot.findMany({ where: { pollId: await pollId(number) }, include: { choices: { include: { option: true } } } })).map(
        (ballot) => ({ voterKey: ballot.voterKey, positions: ballot.choices.map((choice) => choice.option.position) }),
      );

    it('answers every copy after the first as a duplicate', () => {
      expect(fast.batches).toBe(3);
      expect(statuses).toEqual([
        ['done', 'duplicate', 'done', 'duplicate', 'done', 'duplicate'],
        ['done', 'duplicate', 'duplicate', 'duplicate'],
        ['duplicate', 'duplicate', 'duplicate', 'duplicate'],
        ['duplicate'],
      ]);
    });

    it('writes one support and one ballot per event, with the tapped choice', async () => {
      const issue = await p().issue.findUniqueOrThrow({ where: { communityId_number: { communityId: world.c.community.id, number: 2 } } });
      expect(await p().support.count({ where: { issueId: issue.id, memberId: (await member('r3')).id } })).toBe(1);
      expect(await choicesOf(3)).toEqual([
        { voterKey: secretVoterKey(ballotSecret, await pollId(3), (await member('r4')).id), positions: [1] },
      ]);
      expect(await choicesOf(1)).toEqual([{ voterKey: `member:${(await member('r5')).id}`, positions: [2] }]);
      // A multi-choice tap toggles its option: handled twice, the vote would vanish.
      expect(await choicesOf(2)).toEqual([{ voterKey: `member:${(await member('r6')).id}`, positions: [0] }]);
    });

    it('writes one audit entry and one answer per event', async () => {
      const audit = await p().auditEntry.findMany({ where: { id: { gt: world.baseline.audit } }, orderBy: { id: 'asc' } });
      expect(audit.map((entry) => [entry.action, entry.subjectType, entry.subjectId])).toEqual([
        ['issue.supported', 'issue', (await p().issue.findFirstOrThrow({ where: { number: 2 } })).id],
        ['ballot.cast', 'poll', await pollId(3)],
        ['ballot.cast', 'poll', await pollId(2)],
        ['ballot.cast', 'poll', await pollId(1)],
      ]);
      const outbox = await p().outboxNotice.findMany({
        where: { id: { gt: world.baseline.outbox }, dedupeKey: null },
        orderBy: { id: 'asc' },
      });
      expect(outbox.filter((notice) => notice.replyToMessageId !== null).map((notice) => [notice.type, notice.replyToMessageId])).toEqual([
        ['issue.supports_acknowledged', 'dm1'],
      ]);
      // One private confirmation per vote.
      expect(outbox.filter((notice) => notice.type === 'poll.vote_recorded')).toHaveLength(3);
    });

    it('marks each inbox row done, and keeps no copy of the secret vote', async () => {
      const inbox = await p().inboxEvent.findMany({ where: { eventId: { startsWith: 'dup-' } }, orderBy: { eventId: 'asc' } });
      expect(inbox.map((row) => [row.eventId, row.state])).toEqual([
        ['dup-multi', 'done'],
        ['dup-secret', 'done'],
        ['dup-support', 'done'],
        ['dup-vote', 'done'],
      ]);
      expect(JSON.parse(inbox[1]!.payload)).toEqual({ redacted: 'secret ballot' });
      expect(JSON.parse(inbox[2]!.payload)).toMatchObject({ eventId: 'dup-support', action: { type: 'issue.support', number: 2 } });
    });
  });

  describe('hidden, resolved and closed issues, and paper ballots replaced by taps, in batches of 6', () => {
    // Set up alike in both databases by the general path: issue #3 (backed by r4) hidden, #4 resolved, #5 resolved and
    // rated closed; paper ballots for 1栋 102 (r2's household), 1栋 202 (r4's) and 2栋 102 (no one's) in the owners'
    // vote (poll #4). Then the same sequence both ways: taps on those issues (a hidden issue is not found, even for
    // its supporter; a resolved or closed one is not open), taps replacing paper ballots, paper ballots after taps
    // (refused: a chat ballot is never replaced by paper), and more such commands between the taps. Each command a tap
    // depends on is the last of its batch or followed in it only by its own chat's commands (a batch's taps in other
    // chats are decided before its other commands, and different chats' commands run side by side).
    const batch = 6;
    let a: World;
    let b: World;
    let specs: Spec[];
    let resultsA: DispatchResult[];
    let resultsB: DispatchResult[];
    let effectsA: Effects;
    let effectsB: Effects;
    let fast: typeof fastPath;

    const prepare = async (world: World) => {
      const { h, c } = world;
      const steps: Array<[Person, Exclude<ChatKey, 'dm'>, string]> = [
        [c.residents.r3, 'community', '/issue 地下车库入口有人乱贴小广告'],
        [c.residents.r4, 'community', '/support 3'],
        [c.staff.committee, 'community', '/hide 3 商业广告，与社区事务无关'],
        [c.residents.r5, 'community', '/issue 健身区的秋千螺丝松动了'],
        [c.staff.committee, 'community', '/resolve 4 已经拧紧'],
        [c.residents.r6, 'community', '/issue 垃圾分类点周末没人清运'],
        [c.staff.committee, 'community', '/resolve 5 周末已安排清运'],
        [c.residents.r6, 'community', '/rate 5 5'],
        [c.staff.committee, 'community', `/paperballot ${polls.owners.number} 1栋/102 yes`],
        [c.staff.head1, 'b1', `/paperballot ${polls.owners.number} 202 no 书面委托`],
        [c.staff.head2, 'b2', `/paperballot ${polls.owners.number} 102 abstain`],
      ];
      for (const [who, chat, text] of steps) {
        const result = await h.say(who, c.chats[chat], text);
        if (result.status !== 'done') throw new Error(`${text}: ${JSON.stringify(result)}`);
      }
      const statuses = await world.db.prisma.issue.findMany({ where: { communityId: c.community.id }, orderBy: { number: 'asc' } });
      if (statuses.map((issue) => issue.status).join() !== 'open,open,hidden,resolved,closed')
        throw new Error(`unexpected issue states: ${statuses.map((issue) => issue.status).join()}`);
      world.baseline.outbox = (await world.db.prisma.outboxNotice.aggregate({ _max: { id: true } }))._max.id ?? 0;
      world.baseline.audit = (await world.db.prisma.auditEntry.aggregate({ _max: { id: true } }))._max.id ?? 0;
    };

    const sequence = (): Spec[] => {
      const list: Spec[] = [];
      const add = (actor: ActorKey, chat: ChatKey, what: Action | string) => {
        const action = typeof what === 'string' ? parseCommand(what) : what;
        if (!action) throw new Error(`not a command: ${String(what)}`);
        list.push({ eventId: `states-${list.length}`, messageId: `sm-${list.length}`, actor, chat, action });
      };
      const support = (number: number): Action => ({ type: 'issue.support', number });
      const vote = (position: number): Action => ({ type: 'poll.vote', number: polls.owners.number, position });
      const paper = (unit: string, choice: string) => `/paperballot ${polls.owners.number} ${unit} ${choice}`;
      // 1: the prepared states, all decidable by the fast path.
      add('r1', 'community', support(3));
      add('r4', 'community', support(3));
      add('outsider', 'community', support(3));
      add('s1', 'b2', support(4));
      add('r2', 'b1', vote(1));
      add('r3', 'community', support(5));
      // 2: more of them; a paper ballot for a household that has voted in chat (batch 1) ends the batch.
      add('r6', 'community', support(5));
      add('outsider', 'b2', support(5));
      add('r4', 'b1', vote(0));
      add('r5', 'community', support(4));
      add('r1', 'community', support(4));
      add('committee', 'community', paper('1栋/102', 'abstain'));
      // 3: a paper ballot, a tap of that household, a second paper ballot, in one chat and one batch (every change of
      // the owners' vote from here on is in the community chat: handed to the general path in two chats, changes
      // would race for a turnout milestone, as commands of different chats are handled side by side).
      add('committee', 'community', paper('1栋/201', 'yes'));
      add('r3', 'community', vote(1));
      add('committee', 'community', paper('1栋/201', 'no'));
      add('s1', 'b2', support(3));
      add('committee', 'community', paper('1栋/302', 'yes'));
      add('outsider', 'b2', support(4));
      // 4: the household with a paper ballot from batch 3 taps, then its building head records paper, refused; then
      // #1 is hidden at the end of the batch.
      add('r6', 'community', vote(2));
      add('head1', 'b1', paper('302', 'no'));
      add('r2', 'community', vote(0));
      add('r2', 'community', support(1));
      add('r1b', 'community', vote(2));
      add('committee', 'community', '/hide 1 与另一条重复');
      // 5: #1 is now hidden, for its raiser and supporters too.
      add('r3', 'community', support(1));
      add('r2', 'community', support(1));
      add('r4', 'b1', support(1));
      add('r5', 'community', vote(1));
      add('s1', 'community', vote(0));
      add('r1', 'b1', support(2));
      return list;
    };

    beforeAll(async () => {
      a = await openWorld(kind);
      b = await openWorld(kind);
      await prepare(a);
      await prepare(b);
      specs = sequence();
      resultsA = await oneByOne(a, specs);
      resetFastPath();
      resultsB = await inBatches(b, specs, batch);
      fast = { ...fastPath };
      const eventIds = specs.map((spec) => spec.eventId);
      effectsA = await effects(a, eventIds);
      effectsB = await effects(b, eventIds);
    });
    afterAll(async () => {
      await a?.db.close();
      await b?.db.close();
    });

    /** The results of the specs `which` selects, with the refusal codes their notices carry. */
    const outcomes = (results: DispatchResult[], which: (spec: Spec) => boolean) =>
      specs.flatMap((spec, index) =>
        which(spec)
          ? [
              {
                event: spec.eventId,
                ...resultView(results[index]!),
                error: results[index]!.error ?? null,
                codes: results[index]!.notices.map(refusalCode).filter(Boolean),
              },
            ]
          : [],
      );
    const supportOf = (numbers: number[]) => (spec: Spec) => spec.action.type === 'issue.support' && numbers.includes(spec.action.number);
    const ownersVote = (spec: Spec) =>
      (spec.action.type === 'poll.vote' || spec.action.type === 'poll.paper_ballot') && spec.action.number === polls.owners.number;

    it('starts both databases from the same state, and exercises the cases', () => {
      expect(b.baseline).toEqual(a.baseline);
      const codes = (which: (spec: Spec) => boolean) => outcomes(resultsA, which).map((outcome) => outcome.codes.join());
      expect(codes(supportOf([3]))).toEqual(['issue_not_found', 'issue_not_found', 'issue_not_found', 'issue_not_found']);
      expect(codes(supportOf([4, 5]))).toEqual(Array(7).fill('issue_not_open'));
      expect(codes(supportOf([1]))).toEqual(['', 'issue_not_found', 'issue_not_found', 'issue_not_found']);
      expect(outcomes(resultsA, ownersVote).map((outcome) => [outcome.status, outcome.codes.join()])).toEqual([
        ['done', ''], // r2 replaces the paper ballot of 1栋 102
        ['done', ''], // r4 replaces the paper ballot of 1栋 202
        ['refused', 'voted_in_chat'],
        ['done', ''], // paper ballot for 1栋 201
        ['done', ''], // r3 replaces it
        ['refused', 'voted_in_chat'],
        ['done', ''], // paper ballot for 1栋 302
        ['done', ''], // r6 replaces it
        ['refused', 'voted_in_chat'],
        ['done', ''], // r2 changes their chat ballot
        ['done', ''], // r1b
        ['done', ''], // r5
        ['done', ''], // s1
      ]);
      // The paper ballots replaced by taps are chat ballots now, cast by the tapping member; 2栋 102 is still paper.
      const owners = effectsA.ballots.filter((ballot) => ballot.poll === polls.owners.number);
      expect(owners.filter((ballot) => ballot.source === 'paper').map((ballot) => ballot.castBy)).toEqual([a.people.head2.id]);
      expect(owners.filter((ballot) => ballot.source === 'chat')).toHaveLength(7);
      expect(owners.every((ballot) => ballot.source === 'paper' || ballot.note === null)).toBe(true);
      // The fast path decided the taps on the prepared states itself.
      expect(fast.failed).toBe(0);
      expect(fast.batches).toBe(Math.ceil(specs.length / batch));
      expect(fast.decided).toBeGreaterThanOrEqual(15);
      // ...among them every tap on the hidden, resolved and closed issues outside the chat of a committee command of
      // the same batch, and taps replacing paper ballots recorded in an earlier batch.
      const decided = new Set(fast.decidedEvents);
      const byFastPath = (which: (spec: Spec) => boolean) => specs.filter(which).map((spec) => [spec.eventId, decided.has(spec.eventId)]);
      expect(byFastPath(supportOf([3, 4, 5]))).toEqual(specs.filter(supportOf([3, 4, 5])).map((spec) => [spec.eventId, true]));
      expect(byFastPath(supportOf([1])).slice(1)).toEqual(
        specs
          .filter(supportOf([1]))
          .slice(1)
          .map((spec) => [spec.eventId, true]),
      );
      for (const [actor, position] of [
        ['r2', 1], // 1栋 102, paper from the set-up
        ['r4', 0], // 1栋 202, paper from the set-up
        ['r6', 2], // 1栋 302, paper from batch 3
      ] as const) {
        const tap = specs.find((spec) => spec.actor === actor && spec.action.type === 'poll.vote' && spec.action.position === position)!;
        expect([tap.eventId, decided.has(tap.eventId)]).toEqual([tap.eventId, true]);
      }
    });

    it('answers taps on a hidden issue as not found, as dispatch does', () => {
      expect(outcomes(resultsB, supportOf([1, 3]))).toEqual(outcomes(resultsA, supportOf([1, 3])));
      expect(effectsB.supports.filter((support) => [1, 3].includes(support.issue))).toEqual(
        effectsA.supports.filter((support) => [1, 3].includes(support.issue)),
      );
    });

    it('answers taps on a resolved or closed issue as not open, as dispatch does', () => {
      expect(outcomes(resultsB, supportOf([4, 5]))).toEqual(outcomes(resultsA, supportOf([4, 5])));
      expect(effectsB.supports.filter((support) => [4, 5].includes(support.issue))).toEqual(
        effectsA.supports.filter((support) => [4, 5].includes(support.issue)),
      );
    });

    it('lets a tap replace a paper ballot and never the reverse, as dispatch does', () => {
      expect(outcomes(resultsB, ownersVote)).toEqual(outcomes(resultsA, ownersVote));
      expect(effectsB.ballots).toEqual(effectsA.ballots);
      expect(effectsB.pollStates).toEqual(effectsA.pollStates);
    });

    // Commands of different chats are handled side by side (and a batch's fast-path taps before its other commands),
    // so notices are compared chat by chat and audit entries as a set; each chat keeps its order.
    const byChat = (of: Effects) => {
      const chats = new Map<string, unknown[]>();
      for (const notice of of.notices) chats.set(notice.chat, [...(chats.get(notice.chat) ?? []), notice]);
      return Object.fromEntries(chats);
    };

    it('leaves the same rows, notices (in each chat in order), audit entries and inbox rows', () => {
      expect(effectsB.supports).toEqual(effectsA.supports);
      expect(effectsB.escalations).toEqual(effectsA.escalations);
      expect(effectsB.issues).toEqual(effectsA.issues);
      expect(effectsB.people).toEqual(effectsA.people);
      expect(Object.keys(byChat(effectsA)).length).toBeGreaterThanOrEqual(3);
      expect(byChat(effectsB)).toEqual(byChat(effectsA));
      expect(effectsB.keyed).toEqual(effectsA.keyed);
      expect(effectsA.audit.length).toBeGreaterThan(10);
      expect([...effectsB.audit].sort(byJson)).toEqual([...effectsA.audit].sort(byJson));
      expect(verifyChain(effectsB.chain).broken).toBeNull();
      expect(effectsA.inbox.every((row) => row.state === 'done')).toBe(true);
      expect(effectsB.inbox).toEqual(effectsA.inbox);
      expect(resultsB.map((r) => resultView(r))).toEqual(resultsA.map((r) => resultView(r)));
    });
  });

  describe('the flood limit, in batches as one by one', () => {
    // A limit of 4 taps per member and window: the 5th is answered once with rate_limited, later ones quietly.
    let a: World;
    let b: World;
    let specs: Spec[];
    let resultsA: DispatchResult[];
    let resultsB: DispatchResult[];
    let effectsA: Effects;
    let effectsB: Effects;
    const limited = (world: World): Harness => createHarness(world.db, { ballotSecret, floodLimit: 4 });

    beforeAll(async () => {
      a = await openWorld(kind);
      b = await openWorld(kind);
      const tap = (actor: ActorKey, chat: ChatKey, number: number, position: number, index: number): Spec => ({
        eventId: `flood-${actor}-${index}`,
        messageId: `fm-${actor}-${index}`,
        actor,
        chat,
        action: { type: 'poll.vote', number, position },
      });
      specs = [
        // r4 taps six times in 1栋's chat: four count, the fifth is refused with a notice, the sixth quietly.
        ...[0, 1, 2, 0, 1, 2].map((position, index) => tap('r4', 'b1', 1, position, index)),
        // r3 taps the closed poll third (the fast path hands that tap over): it must count once, not twice.
        ...[
          [1, 0],
          [1, 1],
          [5, 0],
          [1, 2],
          [1, 0],
        ].map(([number, position], index) => tap('r3', 'community', number!, position!, index)),
      ];
      // Engines with the low limit, on the databases set up with the usual one (the setup sends more than 4 commands).
      const ha = limited(a);
      const hb = limited(b);
      resultsA = [];
      for (const spec of specs) resultsA.push(await ha.engine.dispatch(toCommand(a, spec)));
      resultsB = await hb.engine.dispatchAll(specs.map((spec) => toCommand(b, spec)));
      const eventIds = specs.map((spec) => spec.eventId);
      effectsA = await effects(a, eventIds);
      effectsB = await effects(b, eventIds);
    });
    afterAll(async () => {
      await a?.db.close();
      await b?.db.close();
    });

    it('refuses the same taps, with the same status', () => {
      const view = (results: DispatchResult[]) =>
        results.map((result) => [result.status, ...result.notices.map(refusalCode).filter(Boolean)]);
      expect(view(resultsA).slice(0, 6)).toEqual([['done'], ['done'], ['done'], ['done'], ['refused', 'rate_limited'], ['refused']]);
      expect(view(resultsB).slice(0, 6)).toEqual(view(resultsA).slice(0, 6));
    });

    it('counts a tap the fast path hands over once against the limit', () => {
      const view = (results: DispatchResult[]) =>
        results.map((result) => [result.status, ...result.notices.map(refusalCode).filter(Boolean)]);
      expect(view(resultsA).slice(6)).toEqual([['done'], ['done'], ['done', 'poll_closed'], ['done'], ['refused', 'rate_limited']]);
      expect(view(resultsB).slice(6)).toEqual(view(resultsA).slice(6));
      expect(effectsB.ballots).toEqual(effectsA.ballots);
      expect(effectsB.notices).toEqual(effectsA.notices);
    });
  });
  describe('every kind of command, typed and tapped, in groups and private chats, in batches of 90', () => {
    // Everything other than the taps the fast path decides runs in chunks of commands sharing one transaction (each
    // command with its own savepoint), so each must see what the commands before it in its chunk wrote, and a refusal
    // must undo only its own command.
    const seed = 20_261_203;
    const batch = 90;
    let a: World;
    let b: World;
    let specs: Spec[];
    let resultsA: DispatchResult[];
    let resultsB: DispatchResult[];
    let effectsA: Effects;
    let effectsB: Effects;

    beforeAll(async () => {
      a = await openWorld(kind);
      b = await openWorld(kind);
      specs = everyKindSequence(seed, 270);
      resultsA = await oneByOne(a, specs);
      resultsB = await inBatches(b, specs, batch);
      const eventIds = [...new Set(specs.map((spec) => spec.eventId))];
      effectsA = await effects(a, eventIds);
      effectsB = await effects(b, eventIds);
    });
    afterAll(async () => {
      await a?.db.close();
      await b?.db.close();
    });

    it('exercises every kind, the refusals and the redeliveries', () => {
      const codes = new Set(effectsA.notices.map(refusalCode));
      for (const code of [
        'usage',
        'unknown_command',
        'not_a_member',
        'issue_not_found',
        'poll_not_found',
        'poll_creator_only',
        'code_invalid',
        'locale_unsupported',
      ])
        expect(codes, code).toContain(code);
      const types = new Set(effectsA.notices.map((notice) => notice.type));
      for (const type of [
        'member.welcomed',
        'member.help',
        'member.language_set',
        'issue.looks_duplicate',
        'issue.shown',
        'issue.listed',
        'poll.closed',
        'poll.results',
      ])
        expect(types, type).toContain(type);
      // Issues raised and polls opened in the batches: their cards and opening messages are keyed notices.
      expect(Object.keys(effectsA.keyed)).toEqual(expect.arrayContaining(['issue.card:#5', 'poll.opened:#9', 'poll.live:#8']));
      expect(effectsA.drafts.length).toBeGreaterThan(0);
      expect(effectsA.notices.some((notice) => notice.locale === 'en')).toBe(true);
      expect(specs.filter((spec) => spec.renamed).length).toBeGreaterThan(10);
      expect(resultsA.filter((result) => result.status === 'duplicate').length).toBeGreaterThanOrEqual(5);
      expect(resultsA.filter((result) => result.status === 'failed')).toEqual([]);
    });

    it('leaves the same issues, drafts, supports, escalations, ballots, polls and members', () => {
      expect(effectsB.issues).toEqual(effectsA.issues);
      expect(effectsB.drafts).toEqual(effectsA.drafts);
      expect(effectsB.supports).toEqual(effectsA.supports);
      expect(effectsB.escalations).toEqual(effectsA.escalations);
      expect(effectsB.ballots).toEqual(effectsA.ballots);
      expect(effectsB.pollStates).toEqual(effectsA.pollStates);
      expect(effectsB.people).toEqual(effectsA.people);
    });

    // A batch's fast-path taps are decided before its other commands, so notices are compared chat by chat (each chat
    // keeps its order) and audit entries as a set.
    it('queues the same notices in each chat in order, and writes the same audit entries on an unbroken chain', () => {
      const byChat = (of: Effects) => {
        const chats = new Map<string, unknown[]>();
        for (const notice of of.notices) chats.set(notice.chat, [...(chats.get(notice.chat) ?? []), notice]);
        return Object.fromEntries(chats);
      };
      expect(effectsA.notices.length).toBeGreaterThan(200);
      expect(byChat(effectsB)).toEqual(byChat(effectsA));
      expect(effectsB.keyed).toEqual(effectsA.keyed);
      expect(effectsA.audit.length).toBeGreaterThan(20);
      expect([...effectsB.audit].sort(byJson)).toEqual([...effectsA.audit].sort(byJson));
      expect(verifyChain(effectsB.chain).broken).toBeNull();
    });

    it('leaves the same inbox rows and returns the same results, in input order', () => {
      expect(effectsA.inbox.every((row) => row.state === 'done')).toBe(true);
      expect(effectsB.inbox).toEqual(effectsA.inbox);
      expect(resultsB.map((result) => resultView(result, effectsB.chatName, effectsB.buttonsOf))).toEqual(
        resultsA.map((result) => resultView(result, effectsA.chatName, effectsA.buttonsOf)),
      );
      expect(resultsB.map((result) => result.error ?? null)).toEqual(resultsA.map((result) => result.error ?? null));
    });
  });
});
