import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { OperatorError } from '../core/errors.js';
import type { ChatBinding, PartyKind, RoleKind } from '../db/generated/client.js';
import { exportCommunity } from '../engine/modules/followups/export-community.js';
import { exportAuditLog, verifyAuditLog } from '../engine/modules/setup/audit-log.js';
import { type CommunitySettings, configureCommunity } from '../engine/modules/setup/configure-community.js';
import { createCommunity } from '../engine/modules/setup/create-community.js';
import { findCommunity } from '../engine/modules/setup/find-community.js';
import { importRegister, type RegisterRow } from '../engine/modules/setup/import-register.js';
import { issueClaimCodes, issueLinkCode } from '../engine/modules/setup/issue-codes.js';
import { listCategories, setCategoryKeywords } from '../engine/modules/setup/manage-categories.js';
import { addParty, listParties } from '../engine/modules/setup/manage-parties.js';
import { grantRole, revokeRole } from '../engine/modules/setup/manage-roles.js';
import type { TFunction } from '../i18n/index.js';
import { withEngine } from './with-engine.js';

const partyKinds: PartyKind[] = [
  'residents_committee',
  'owners_committee',
  'property_manager',
  'police',
  'resident_unit',
  'department',
  'other',
];
const roleKinds: RoleKind[] = ['committee', 'building_head', 'group_head', 'representative', 'party_member', 'responder'];
const linkTargets: ChatBinding[] = ['community', 'committee', 'building', 'party', 'subdistrict'];

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new OperatorError('option_invalid', { option, value });
  return value as T;
}

function days(option: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 3650) throw new OperatorError('option_invalid', { option, value });
  return parsed;
}

const print = (line: string) => process.stdout.write(`${line}\n`);

/** JSON to standard output, or to `file` followed by the one line `done(file)` says. */
async function writeJson(data: unknown, file: string | undefined, done: (file: string) => string): Promise<void> {
  const json = `${JSON.stringify(data, null, 2)}\n`;
  if (!file) {
    process.stdout.write(json);
    return;
  }
  await writeFile(file, json);
  print(done(file));
}

/** Reads a register CSV (UTF-8, a BOM tolerated, a header row naming the columns). */
export async function readRegister(file: string): Promise<RegisterRow[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new OperatorError('register_unreadable', { file, reason: (error as NodeJS.ErrnoException).code ?? String(error) });
  }
  try {
    const records = parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
    }) as Array<Record<string, string>>;
    return records.map((record, index) => ({
      line: index + 2,
      building: record.building ?? '',
      unit: record.unit ?? '',
      area_m2: record.area_m2 ?? '',
      owner: record.owner ?? '',
    }));
  } catch (error) {
    throw new OperatorError('register_unreadable', { file, reason: (error as Error).message.split('\n')[0] ?? '' });
  }
}

/** The committee's setup commands: communities, register, codes, parties, roles, categories, export. */
export function registerSetupCommands(program: Command, t: TFunction): void {
  const community = program.command('community').description(t('operator:cli.community'));
  community
    .command('create <slug> <name>')
    .description(t('operator:cli.community_create'))
    .option('--subdistrict <name>')
    .option('--locale <locale>', 'zh-CN | en')
    .option('--timezone <zone>', 'Asia/Shanghai')
    .action(async (slug: string, name: string, options: { subdistrict?: string; locale?: string; timezone?: string }) => {
      const created = await withEngine((engine) => engine.operate((tx, now) => createCommunity(tx, { slug, name, ...options }, now)));
      print(t('operator:setup.community_created', { slug: created.slug, name: created.name }));
    });
  community
    .command('configure <slug>')
    .description(t('operator:cli.community_configure'))
    .option('--support-threshold <n|p%>', '5 (households) or 10% (of the households in scope)')
    .option('--locale <locale>', 'zh-CN | en')
    .option('--timezone <zone>', 'Asia/Shanghai')
    .option('--digest-time <HH:MM>', '08:00')
    .option('--quiet-hours <HH:MM-HH:MM>', '22:00-08:00')
    .option('--meeting-quorum <n>', 'parties that must attend a joint meeting (3)')
    .option('--meeting-notice-hours <n>', 'hours before a joint meeting its agenda goes to the parties (48)')
    .action(async (slug: string, options: CommunitySettings) => {
      const updated = await withEngine((engine) => engine.operate((tx, now) => configureCommunity(tx, slug, options, now)));
      const threshold =
        updated.supportThresholdKind === 'count'
          ? updated.supportThresholdValue.toFixed(0)
          : `${updated.supportThresholdValue.mul(100).toString()}%`;
      print(
        t('operator:setup.community_configured', {
          slug,
          threshold,
          locale: updated.locale,
          timezone: updated.timezone,
          digestTime: updated.digestTime,
          quietHours: `${updated.quietHoursStart}-${updated.quietHoursEnd}`,
          meetingQuorum: updated.meetingQuorum,
          meetingNoticeHours: updated.meetingNoticeHours,
        }),
      );
    });
  community
    .command('list')
    .description(t('operator:cli.community_list'))
    .action(async () => {
      const rows = await withEngine((engine) =>
        engine.operate((tx) =>
          tx.community.findMany({
            orderBy: { slug: 'asc' },
            include: { buildings: { include: { _count: { select: { households: true } } } } },
          }),
        ),
      );
      for (const row of rows) {
        const households = row.buildings.reduce((sum, building) => sum + building._count.households, 0);
        print(t('operator:setup.community_line', { slug: row.slug, name: row.name, buildings: row.buildings.length, households }));
      }
    });

  program
    .command('register')
    .description(t('operator:cli.register'))
    .command('import <community> <file>')
    .description(t('operator:cli.register_import'))
    .action(async (slug: string, file: string) => {
      const rows = await readRegister(file);
      const summary = await withEngine((engine) => engine.operate((tx, now) => importRegister(tx, slug, rows, now)));
      print(t('operator:setup.register_imported', summary));
    });

  const codes = program.command('codes').description(t('operator:cli.codes'));
  codes
    .command('claim <community>')
    .description(t('operator:cli.codes_claim'))
    .option('--building <name>')
    .option('--unit <unit>', 'one household of --building: an extra code, e.g. for a family member')
    .option('--unclaimed', 'only households nobody has claimed yet')
    .option('--days <n>', 'days the codes stay valid', '30')
    .option('--out <file>', 'CSV file to write ("-" for standard output)')
    .action(async (slug: string, options: { building?: string; unit?: string; unclaimed?: boolean; days: string; out?: string }) => {
      const valid = days('--days', options.days);
      const made = await withEngine((engine) =>
        engine.operate((tx, now) =>
          issueClaimCodes(tx, slug, { building: options.building, unit: options.unit, unclaimedOnly: options.unclaimed, days: valid }, now),
        ),
      );
      const csv = stringify(
        made.map((c) => [c.building, c.unit, c.owner, c.code, c.expiresAt]),
        { header: true, columns: ['building', 'unit', 'owner', 'code', 'expires_at'], bom: true },
      );
      if (options.out === '-') {
        process.stdout.write(csv);
        return;
      }
      const file = options.out ?? `claim-codes-${slug}-${new Date().toISOString().slice(0, 10)}.csv`;
      await writeFile(file, csv, { mode: 0o600 });
      print(t('operator:setup.codes_written', { count: made.length, file }));
    });
  codes
    .command('link <community> <target> [name]')
    .description(t('operator:cli.codes_link'))
    .option('--days <n>', 'days the code stays valid', '7')
    .action(async (slug: string, target: string, name: string | undefined, options: { days: string }) => {
      const binding = oneOf('<target>', target, linkTargets);
      const valid = days('--days', options.days);
      const made = await withEngine((engine) => engine.operate((tx, now) => issueLinkCode(tx, slug, { binding, name, days: valid }, now)));
      print(t('operator:setup.link_code', made));
    });

  const party = program.command('party').description(t('operator:cli.party'));
  party
    .command('add <community> <kind> <name>')
    .description(t('operator:cli.party_add'))
    .option('--no-joint-meeting', 'does not sit on the joint meeting')
    .action(async (slug: string, kind: string, name: string, options: { jointMeeting: boolean }) => {
      const valid = oneOf('<kind>', kind, partyKinds);
      const added = await withEngine((engine) =>
        engine.operate((tx, now) =>
          addParty(tx, slug, { kind: valid, name, ...(options.jointMeeting ? {} : { inJointMeeting: false }) }, now),
        ),
      );
      print(t('operator:setup.party_added', { name: added.name, kind: added.kind }));
    });
  party
    .command('list <community>')
    .description(t('operator:cli.party_list'))
    .action(async (slug: string) => {
      const parties = await withEngine((engine) => engine.operate(async (tx) => listParties(tx, (await findCommunity(tx, slug)).id)));
      for (const p of parties) print(t('operator:setup.party_line', { name: p.name, kind: p.kind, joint: p.inJointMeeting ? '✓' : '-' }));
    });

  const role = program.command('role').description(t('operator:cli.role'));
  for (const verb of ['grant', 'revoke'] as const) {
    role
      .command(`${verb} <community> <role> <member>`)
      .description(t(verb === 'grant' ? 'operator:cli.role_grant' : 'operator:cli.role_revoke'))
      .option('--building <name>')
      .option('--party <name>')
      .action(async (slug: string, kind: string, member: string, options: { building?: string; party?: string }) => {
        const target = { member, role: oneOf('<role>', kind, roleKinds), ...options };
        if (verb === 'grant') {
          const { created } = await withEngine((engine) => engine.operate((tx, now) => grantRole(tx, slug, target, now)));
          print(t(created ? 'operator:setup.role_granted' : 'operator:setup.role_already'));
        } else {
          const { removed } = await withEngine((engine) => engine.operate((tx, now) => revokeRole(tx, slug, target, now)));
          print(t(removed ? 'operator:setup.role_revoked' : 'operator:setup.role_absent'));
        }
      });
  }

  const category = program.command('category').description(t('operator:cli.category'));
  category
    .command('list <community>')
    .description(t('operator:cli.category_list'))
    .action(async (slug: string) => {
      const categories = await withEngine((engine) => engine.operate((tx) => listCategories(tx, slug)));
      for (const c of categories) {
        for (const [locale, keywords] of Object.entries(c.keywords))
          print(t('operator:setup.category_line', { code: c.code, locale, keywords: keywords.join(', ') }));
      }
    });
  category
    .command('set <community> <code> <locale> <keywords>')
    .description(t('operator:cli.category_set'))
    .action(async (slug: string, code: string, locale: string, keywords: string) => {
      await withEngine((engine) =>
        engine.operate((tx, now) => setCategoryKeywords(tx, slug, { code, locale, keywords: keywords.split(/[,，]/) }, now)),
      );
      print(t('operator:setup.category_set', { code, locale }));
    });

  const auditCommand = program.command('audit').description(t('operator:cli.audit'));
  auditCommand
    .command('verify <community>')
    .description(t('operator:cli.audit_verify'))
    .action(async (slug: string) => {
      const check = await withEngine((engine) => engine.operate((tx) => verifyAuditLog(tx, slug)));
      if (check.broken) {
        process.stderr.write(
          `yishi: ${t('operator:setup.audit_broken', { id: check.broken.id, reason: check.broken.reason, entries: check.entries })}\n`,
        );
        process.exitCode = 1;
        return;
      }
      print(t('operator:setup.audit_intact', { entries: check.entries, head: check.head ?? '-' }));
    });
  auditCommand
    .command('export <community>')
    .description(t('operator:cli.audit_export'))
    .option('--out <file>', 'file to write (default: standard output)')
    .action(async (slug: string, options: { out?: string }) => {
      const data = await withEngine((engine) => engine.operate((tx, now) => exportAuditLog(tx, slug, now)));
      await writeJson(data, options.out, (file) =>
        t('operator:setup.audit_exported', { entries: data.entries.length, file, head: data.verification.head ?? '-' }),
      );
    });

  program
    .command('export <community>')
    .description(t('operator:cli.export'))
    .option('--out <file>', 'file to write (default: standard output)')
    .action(async (slug: string, options: { out?: string }) => {
      const data = await withEngine((engine) => engine.operate((tx, now) => exportCommunity(tx, slug, now)));
      await writeJson(data, options.out, (file) => t('operator:setup.exported', { count: data.issues.length, file }));
    });
}
