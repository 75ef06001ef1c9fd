import { decodeButton } from '../../engine/buttons.js';
import type { Engine } from '../../engine/index.js';
import { configureCommunity } from '../../engine/modules/setup/configure-community.js';
import { createCommunity } from '../../engine/modules/setup/create-community.js';
import { demoSlug, isEmptyInstallation, markDemo, retireDemoCommunity } from '../../engine/modules/setup/demo.js';
import { importRegister } from '../../engine/modules/setup/import-register.js';
import { issueClaimCodes, issueLinkCode } from '../../engine/modules/setup/issue-codes.js';
import { addParty } from '../../engine/modules/setup/manage-parties.js';
import { grantRole } from '../../engine/modules/setup/manage-roles.js';
import { parseCommand } from '../shared/parse-command.js';

// The demo community a newcomer meets in the local web chat. Its names are the demo's content, in Chinese as the
// community would be, marked as demo data wherever it shows; a real community is never touched by it.

const buildings = { '1栋': ['101', '102', '201', '202', '301', '302'], '2栋': ['101', '102', '201', '202'] } as const;
const areas = ['88.50', '120.25', '96.00', '75.30', '132.80', '88.50'];

const personas = [
  { id: 'zhang', name: '张伟', home: ['1栋', '101'] },
  { id: 'wang', name: '王芳', home: ['1栋', '102'] },
  { id: 'li', name: '李娜', home: ['1栋', '201'] },
  { id: 'zhao', name: '赵敏', home: ['2栋', '101'] },
  { id: 'anna', name: 'Anna Smith', home: ['2栋', '102'], locale: 'en' },
  { id: 'head1', name: '陈建国', home: ['1栋', '202'] },
  { id: 'committee', name: '刘主任' },
  { id: 'property', name: '物业小王' },
] as const;

const groups = [
  { id: 'demo-community', title: '幸福社区居民群', binding: 'community' },
  { id: 'demo-b1', title: '1栋业主群', binding: 'building', name: '1栋' },
  { id: 'demo-b2', title: '2栋业主群', binding: 'building', name: '2栋' },
  { id: 'demo-committee', title: '居委会工作群', binding: 'committee' },
  { id: 'demo-property', title: '物业对接群', binding: 'party', name: '物业' },
] as const;

/** Seeds the demo on an installation with no community yet; returns whether it did. */
export async function seedDemoIfEmpty(engine: Engine): Promise<boolean> {
  if (!(await engine.operate((tx) => isEmptyInstallation(tx)))) return false;
  await seedDemo(engine);
  return true;
}

/** `yishi demo reset`: retires the current demo community and seeds a fresh one. Returns the chats to clear. */
export async function resetDemo(engine: Engine): Promise<string[]> {
  await engine.operate((tx) => retireDemoCommunity(tx));
  await seedDemo(engine);
  return [...groups.map((group) => group.id), ...personas.map((persona) => `dm-${persona.id}`)];
}

async function seedDemo(engine: Engine): Promise<void> {
  const op = engine.operate;
  const seedId = `${Date.now()}`;
  let step = 0;
  const say = async (personaId: string, chatId: string, text: string) => {
    const persona = personas.find((p) => p.id === personaId)!;
    const group = groups.find((g) => g.id === chatId);
    const action = parseCommand(text) ?? decodeButton(text);
    if (!action) throw new Error(`demo seed: not a command: ${text}`);
    const result = await engine.dispatch({
      eventId: `demo-seed:${seedId}:${++step}`,
      actor: { platform: 'local', platformUserId: persona.id, displayName: persona.name },
      chat: { platform: 'local', platformChatId: chatId, kind: group ? 'group' : 'private', ...(group ? { title: group.title } : {}) },
      action,
    });
    if (result.status !== 'done') throw new Error(`demo seed: ${text} was ${result.status} (${result.error ?? ''})`);
  };

  const rows = Object.entries(buildings).flatMap(([building, units]) =>
    units.map((unit, i) => ({ building, unit, area_m2: areas[i % areas.length]!, owner: `业主${building}${unit}` })),
  );
  // The operator's steps of a new community, in one transaction: the demo appears whole or not at all.
  const codes = await op(async (tx, now) => {
    await createCommunity(tx, { slug: demoSlug, name: '幸福社区（演示）' }, now);
    await markDemo(tx, demoSlug);
    await configureCommunity(tx, demoSlug, { supportThreshold: '3' }, now);
    await importRegister(
      tx,
      demoSlug,
      rows.map((row, i) => ({ line: i + 2, ...row })),
      now,
    );
    await addParty(tx, demoSlug, { kind: 'property_manager', name: '物业' }, now);
    await addParty(tx, demoSlug, { kind: 'owners_committee', name: '业委会' }, now);
    await addParty(tx, demoSlug, { kind: 'police', name: '社区民警' }, now);
    return issueClaimCodes(tx, demoSlug, { days: 3650 }, now);
  });

  for (const persona of personas) {
    await say(persona.id, `dm-${persona.id}`, '/start');
    if ('home' in persona) {
      const [building, unit] = persona.home;
      await say(persona.id, `dm-${persona.id}`, `/claim ${codes.find((c) => c.building === building && c.unit === unit)!.code}`);
    }
    if ('locale' in persona) await say(persona.id, `dm-${persona.id}`, `/lang ${persona.locale}`);
  }
  const linkCodes = await op(async (tx, now) => {
    await grantRole(tx, demoSlug, { member: 'local:committee', role: 'committee' }, now);
    await grantRole(tx, demoSlug, { member: 'local:head1', role: 'building_head', building: '1栋' }, now);
    await grantRole(tx, demoSlug, { member: 'local:property', role: 'responder', party: '物业' }, now);
    const issued: string[] = [];
    for (const group of groups)
      issued.push(
        (await issueLinkCode(tx, demoSlug, { binding: group.binding, ...('name' in group ? { name: group.name } : {}), days: 1 }, now))
          .code,
      );
    return issued;
  });
  for (const [i, group] of groups.entries()) await say('committee', group.id, `/link ${linkCodes[i]}`);
  await say('zhang', 'demo-b1', '/issue 1栋电梯经常停运，老人上下楼困难');
  await say('head1', 'demo-b1', '/poll 楼道是否加装声控灯？ | 同意 | 不同意 --hours 72');
}
