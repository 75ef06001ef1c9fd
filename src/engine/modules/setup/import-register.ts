import { OperatorError } from '../../../core/errors.js';
import { Prisma } from '../../../db/generated/client.js';
import { audit, type Tx } from '../../context.js';
import { findCommunity } from './find-community.js';

export type RegisterRow = { line: number; building: string; unit: string; area_m2: string; owner: string };
export type ImportSummary = { buildingsCreated: number; householdsCreated: number; householdsUpdated: number; householdsUnchanged: number };

const area = /^\d{1,6}(\.\d{1,2})?$/;

/** Problems of one register row, each naming the line and the column (empty when the row is good). */
export function checkRow(row: RegisterRow): string[] {
  const problems: string[] = [];
  for (const column of ['building', 'unit', 'owner'] as const) if (!row[column]?.trim()) problems.push(`${row.line}:${column}`);
  const value = row.area_m2?.trim() ?? '';
  if (!area.test(value) || new Prisma.Decimal(value).lte(0)) problems.push(`${row.line}:area_m2`);
  return problems;
}

/**
 * `yishi register import`: the committee's household register. All rows are checked first and nothing is written
 * if any is wrong; a re-import updates owner and area of the units it names and never duplicates one (building +
 * unit is the key). Throws community_not_found, register_invalid (with the lines and columns at fault).
 */
export async function importRegister(tx: Tx, slug: string, rows: RegisterRow[], now: Date): Promise<ImportSummary> {
  const community = await findCommunity(tx, slug);
  const problems = rows.flatMap(checkRow);
  const seen = new Map<string, number>();
  for (const row of rows) {
    const key = `${row.building.trim()}\u0000${row.unit.trim()}`;
    const first = seen.get(key);
    if (first !== undefined) problems.push(`${row.line}:unit(=${first})`);
    else seen.set(key, row.line);
  }
  if (rows.length === 0) problems.push('1:building');
  if (problems.length > 0)
    throw new OperatorError('register_invalid', { problems: problems.slice(0, 20).join(', '), count: problems.length });

  const summary: ImportSummary = { buildingsCreated: 0, householdsCreated: 0, householdsUpdated: 0, householdsUnchanged: 0 };
  const buildings = new Map((await tx.building.findMany({ where: { communityId: community.id } })).map((b) => [b.name, b.id]));
  for (const name of new Set(rows.map((row) => row.building.trim()))) {
    if (buildings.has(name)) continue;
    const created = await tx.building.create({ data: { communityId: community.id, name } });
    buildings.set(name, created.id);
    summary.buildingsCreated++;
  }
  const existing = new Map(
    (await tx.household.findMany({ where: { building: { communityId: community.id } } })).map((h) => [`${h.buildingId}\u0000${h.unit}`, h]),
  );
  const fresh: Prisma.HouseholdCreateManyInput[] = [];
  for (const row of rows) {
    const buildingId = buildings.get(row.building.trim())!;
    const unit = row.unit.trim();
    const areaM2 = new Prisma.Decimal(row.area_m2.trim());
    const ownerName = row.owner.trim();
    const current = existing.get(`${buildingId}\u0000${unit}`);
    if (!current) {
      fresh.push({ buildingId, unit, areaM2, ownerName });
    } else if (!current.areaM2.equals(areaM2) || current.ownerName !== ownerName) {
      await tx.household.update({ where: { id: current.id }, data: { areaM2, ownerName } });
      summary.householdsUpdated++;
    } else {
      summary.householdsUnchanged++;
    }
  }
  summary.householdsCreated = (await tx.household.createMany({ data: fresh })).count;
  await audit({ tx, now }, { communityId: community.id, actorLabel: 'cli', action: 'register.imported', data: summary });
  return summary;
}
