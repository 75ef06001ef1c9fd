import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRegister } from '../../src/cli/setup.js';
import { createEngine } from '../../src/engine/index.js';
import { createCommunity } from '../../src/engine/modules/setup/create-community.js';
import { importRegister } from '../../src/engine/modules/setup/import-register.js';
import { issueClaimCodes } from '../../src/engine/modules/setup/issue-codes.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { runToEnd } from '../helpers/service.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'yishi-cli-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describeEachDatabase('importRegister', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db?.close());

  it('imports a UTF-8 register with a BOM and Chinese names, and a re-import updates without duplicating', async () => {
    const engine = createEngine({ db: db.prisma });
    await engine.operate((tx, now) => createCommunity(tx, { slug: 'xingfu', name: '幸福社区' }, now));
    const file = path.join(tmp, `register-${kind}.csv`);
    await writeFile(file, '\uFEFFbuilding,unit,area_m2,owner\n3栋,1-101,89.50,张三\n3栋,1-102,120.25,李四\n5栋,2-201,75,欧阳娜娜\n');
    expect(await engine.operate((tx, now) => importRegister(tx, 'xingfu', [], now).catch((e: unknown) => e))).toMatchObject({
      code: 'register_invalid',
    });
    expect(await engine.operate(async (tx, now) => importRegister(tx, 'xingfu', await readRegister(file), now))).toEqual({
      buildingsCreated: 2,
      householdsCreated: 3,
      householdsUpdated: 0,
      householdsUnchanged: 0,
    });
    await writeFile(
      file,
      'Building,Unit,Area_m2,Owner\n3栋,1-101,89.55,张三\n3栋,1-102,120.25,李四\n5栋,2-201,75,欧阳娜娜\n6栋,1-101,60.1,钱七\n',
    );
    expect(await engine.operate(async (tx, now) => importRegister(tx, 'xingfu', await readRegister(file), now))).toEqual({
      buildingsCreated: 1,
      householdsCreated: 1,
      householdsUpdated: 1,
      householdsUnchanged: 2,
    });
    const households = await db.prisma.household.findMany({
      orderBy: [{ building: { name: 'asc' } }, { unit: 'asc' }],
      include: { building: true },
    });
    expect(households.map((h) => [h.building.name, h.unit, h.areaM2.toFixed(2), h.ownerName])).toEqual([
      ['3栋', '1-101', '89.55', '张三'],
      ['3栋', '1-102', '120.25', '李四'],
      ['5栋', '2-201', '75.00', '欧阳娜娜'],
      ['6栋', '1-101', '60.10', '钱七'],
    ]);
  });

  it('names every bad line and writes nothing when any row is wrong', async () => {
    const engine = createEngine({ db: db.prisma });
    const file = path.join(tmp, `bad-${kind}.csv`);
    await writeFile(
      file,
      'building,unit,area_m2,owner\n7栋,1-101,88,周八\n7栋,,88,吴九\n7栋,1-103,-5,郑十\n7栋,1-104,12.345,冯一\n7栋,1-101,90,陈二\n',
    );
    const before = await db.prisma.household.count();
    const error = await engine
      .operate(async (tx, now) => importRegister(tx, 'xingfu', await readRegister(file), now))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'register_invalid', params: { count: 4, problems: '3:unit, 4:area_m2, 5:area_m2, 6:unit(=2)' } });
    expect(await db.prisma.household.count()).toBe(before);
    expect(await db.prisma.building.count({ where: { name: '7栋' } })).toBe(0);
  });
});

describeEachDatabase('issueClaimCodes', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db?.close());

  it('issues one more code for one unit of a building, claimed or not, and refuses a unit it cannot place', async () => {
    const engine = createEngine({ db: db.prisma });
    await engine.operate((tx, now) => createCommunity(tx, { slug: 'heping', name: '和平社区' }, now));
    const rows = [
      { line: 2, building: '3栋', unit: '1-101', area_m2: '89.50', owner: '张三' },
      { line: 3, building: '3栋', unit: '1-102', area_m2: '90', owner: '李四' },
      { line: 4, building: '5栋', unit: '1-101', area_m2: '75', owner: '王五' },
    ];
    await engine.operate((tx, now) => importRegister(tx, 'heping', rows, now));
    const all = await engine.operate((tx, now) => issueClaimCodes(tx, 'heping', { days: 30 }, now));
    expect(all).toHaveLength(3);
    const one = await engine.operate((tx, now) => issueClaimCodes(tx, 'heping', { building: '3栋', unit: '1-101', days: 30 }, now));
    expect(one.map((code) => [code.building, code.unit, code.owner])).toEqual([['3栋', '1-101', '张三']]);
    expect(one[0]!.code).not.toBe(all[0]!.code);
    const household = await db.prisma.household.findFirstOrThrow({ where: { unit: '1-101', building: { name: '3栋' } } });
    expect(await db.prisma.oneTimeCode.count({ where: { householdId: household.id, usedAt: null } })).toBe(2);

    const codesBefore = await db.prisma.oneTimeCode.count();
    const refused = (options: { building?: string; unit?: string }) =>
      engine.operate((tx, now) => issueClaimCodes(tx, 'heping', { ...options, days: 30 }, now)).catch((e: unknown) => e);
    expect(await refused({ unit: '1-101' })).toMatchObject({ code: 'unit_needs_building', params: { unit: '1-101' } });
    expect(await refused({ building: '5栋', unit: '1-102' })).toMatchObject({
      code: 'unit_not_found',
      params: { unit: '1-102', building: '5栋', community: 'heping' },
    });
    expect(await refused({ building: '9栋', unit: '1-101' })).toMatchObject({ code: 'building_not_found' });
    expect(await db.prisma.oneTimeCode.count()).toBe(codesBefore);
  });
});

describe('the yishi command, end to end (embedded database)', () => {
  it('sets a community up and writes its claim codes and its export', async () => {
    const env = { DATA_DIR: path.join(tmp, 'cli-data') };
    const register = path.join(tmp, 'register.csv');
    await writeFile(register, 'building,unit,area_m2,owner\n1栋,101,88.5,张三\n1栋,102,90,李四\n');
    expect((await runToEnd(env, ['community', 'create', 'xingfu', '幸福社区', '--subdistrict', '东山街道'])).stdout).toContain(
      'Created community xingfu',
    );
    expect((await runToEnd(env, ['register', 'import', 'xingfu', register])).stdout).toContain('2 new household(s)');
    const codesFile = path.join(tmp, 'codes.csv');
    expect((await runToEnd(env, ['codes', 'claim', 'xingfu', '--out', codesFile])).stdout).toContain('Wrote 2 claim code(s)');
    const csv = (await readFile(codesFile, 'utf8'))
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('building,unit,owner,code,expires_at');
    expect(csv.slice(1).map((line) => line.split(',').slice(0, 3).join(','))).toEqual(['1栋,101,张三', '1栋,102,李四']);
    expect(csv[1]).toMatch(/,[2-9A-Z]{4}-[2-9A-Z]{4},/);
    // One more code for one household (a family member joining it), to standard output.
    const extra = await runToEnd(env, ['codes', 'claim', 'xingfu', '--building', '1栋', '--unit', '102', '--out', '-']);
    const extraRows = extra.stdout
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
      .slice(1);
    expect(extraRows.map((line) => line.split(',').slice(0, 3).join(','))).toEqual(['1栋,102,李四']);
    expect(extraRows[0]!.split(',')[3]).not.toBe(csv[2]!.split(',')[3]);
    const noBuilding = await runToEnd(env, ['codes', 'claim', 'xingfu', '--unit', '102']);
    expect(noBuilding.code).not.toBe(0);
    expect(noBuilding.stderr.trim()).toBe('yishi: --unit 102 needs --building <name> to say which building the unit is in.');
    const noUnit = await runToEnd(env, ['codes', 'claim', 'xingfu', '--building', '1栋', '--unit', '999']);
    expect(noUnit.code).not.toBe(0);
    expect(noUnit.stderr).toContain('has no unit "999"');
    const exported = await runToEnd(env, ['export', 'xingfu']);
    expect(JSON.parse(exported.stdout)).toMatchObject({ format: 'yishi.community-export.v1', community: { slug: 'xingfu' }, issues: [] });
    const missing = await runToEnd({ ...env, YISHI_LOCALE: 'zh-CN' }, ['export', 'nowhere']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim()).toBe('yishi: 没有名为“nowhere”的社区。可用 yishi community list 查看。');
  });
});
