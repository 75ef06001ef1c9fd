import { beforeAll, describe, expect, it } from 'vitest';
import { computeRates, ratesReport } from '../../src/engine/modules/followups/rates.js';
import { describeEachDatabase, type TestDatabase } from '../helpers/database.js';
import { type CommunitySetup, type Harness, useCommunity } from '../helpers/engine.js';

const day = 86_400_000;
const at = (d: number) => new Date(Date.UTC(2026, 10, 1) + d * day);

describe('computeRates (hand-computed)', () => {
  // Four follow-ups: A answered on day 3 of 5 (on time), B answered on day 9 of 7 (late),
  // C unanswered and due on day 20 (not due yet on day 10), D unanswered and due on day 6 (overdue).
  const followUps = [
    { partyId: 1, issueId: 1, createdAt: at(0), deadline: at(5), respondedAt: at(3) },
    { partyId: 1, issueId: 2, createdAt: at(0), deadline: at(7), respondedAt: at(9) },
    { partyId: 2, issueId: 3, createdAt: at(1), deadline: at(20), respondedAt: null },
    { partyId: 2, issueId: 4, createdAt: at(1), deadline: at(6), respondedAt: null },
  ];
  // Five issues: 1 closed, 2 resolved, 3 and 4 in progress, 5 open and never assigned.
  const issues = [
    { id: 1, status: 'closed', createdAt: at(0) },
    { id: 2, status: 'resolved', createdAt: at(0) },
    { id: 3, status: 'in_progress', createdAt: at(1) },
    { id: 4, status: 'in_progress', createdAt: at(1) },
    { id: 5, status: 'open', createdAt: at(2) },
  ];
  // Ratings: issue 1 got 5, 4, 2; issue 2 got 3.
  const ratings = [
    { issueId: 1, score: 5, createdAt: at(4) },
    { issueId: 1, score: 4, createdAt: at(4) },
    { issueId: 1, score: 2, createdAt: at(4) },
    { issueId: 2, score: 3, createdAt: at(9) },
  ];
  const facts = { followUps, issues, ratings };

  it('gives the community: response 1 of 3 due, resolution 2 of 5, satisfaction 2 of 4', () => {
    expect(computeRates(facts, at(10), null)).toEqual({
      response: { numerator: 1, denominator: 3 },
      resolution: { numerator: 2, denominator: 5 },
      satisfaction: { numerator: 2, denominator: 4 },
    });
  });

  it('gives each responder its own: party 1 answered 1 of 2 on time and resolved both; party 2 answered 0 of 1 due', () => {
    expect(computeRates(facts, at(10), null, 1)).toEqual({
      response: { numerator: 1, denominator: 2 },
      resolution: { numerator: 2, denominator: 2 },
      satisfaction: { numerator: 2, denominator: 4 },
    });
    expect(computeRates(facts, at(10), null, 2)).toEqual({
      response: { numerator: 0, denominator: 1 },
      resolution: { numerator: 0, denominator: 2 },
      satisfaction: { numerator: 0, denominator: 0 },
    });
  });

  it('counts only what started in the window', () => {
    expect(computeRates(facts, at(10), at(1))).toEqual({
      response: { numerator: 0, denominator: 1 },
      resolution: { numerator: 0, denominator: 3 },
      satisfaction: { numerator: 2, denominator: 4 },
    });
  });
});

describeEachDatabase('ratesReport', (kind) => {
  const setup = useCommunity(kind);
  let db: TestDatabase;
  let h: Harness;
  let c: CommunitySetup['c'];
  beforeAll(() => {
    ({ db, h, c } = setup);
  });

  it('reads the same figures from a community run through the engine', async () => {
    const { r1, r2, r3 } = c.residents;
    const { committee, propertyStaff } = c.staff;
    await h.say(r1, c.chats.b1, '/issue 电梯坏了');
    await h.say(r2, c.chats.b1, '/issue 楼道堆放杂物');
    await h.say(r3, c.chats.b1, '/issue 路灯不亮');
    await h.say(committee, c.chats.committee, '/assign 1 物业 5');
    await h.say(committee, c.chats.committee, '/assign 2 物业 2');
    await h.say(committee, c.chats.committee, '/assign 3 街道城管科 3');
    h.clock.advance(1 * day);
    await h.say(propertyStaff, c.chats.property, '/respond 1 已报修');
    await h.say(propertyStaff, c.chats.property, '/resolve 1');
    await h.say(r1, c.chats.b1, '/rate 1 5');
    h.clock.advance(3 * day);
    await h.say(propertyStaff, c.chats.property, '/respond 2 已清理');
    // Day 4: #3 (due day 3) is overdue and unanswered; #2 was answered a day late.
    const report = await ratesReport(db.prisma, c.community.id, h.clock.now(), null);
    expect(report.community).toEqual({
      response: { numerator: 1, denominator: 3 },
      resolution: { numerator: 1, denominator: 3 },
      satisfaction: { numerator: 1, denominator: 1 },
    });
    expect(report.responders).toEqual([
      {
        party: '物业',
        rates: {
          response: { numerator: 1, denominator: 2 },
          resolution: { numerator: 1, denominator: 2 },
          satisfaction: { numerator: 1, denominator: 1 },
        },
      },
      {
        party: '街道城管科',
        rates: {
          response: { numerator: 0, denominator: 1 },
          resolution: { numerator: 0, denominator: 1 },
          satisfaction: { numerator: 0, denominator: 0 },
        },
      },
    ]);
  });
});
