import type { ChatBinding, RoleKind } from '../../../db/generated/client.js';
import type { Tx } from '../../context.js';

/** The slug of the demo community the local web chat seeds; a real community with it stops the seeding. */
export const demoSlug = 'yishi-demo';

export type DemoPersona = {
  id: string;
  name: string;
  roles: Array<RoleKind | 'resident'>;
  building: string | null;
  unit: string | null;
  /** The building whose head this persona is, if any. */
  headOf: string | null;
  locale: string;
};
export type DemoChat = { id: string; kind: 'group'; title: string; binding: ChatBinding; building: string | null };
export type DemoWorld = { demo: true; community: { name: string }; personas: DemoPersona[]; chats: DemoChat[] };

/** Whether the database holds no community at all: only then is the demo seeded on its own. */
export async function isEmptyInstallation(tx: Tx): Promise<boolean> {
  return (await tx.community.count()) === 0;
}

/**
 * Retires the current demo community so a fresh one can be seeded: its slug is freed, the personas lose its roles and
 * households. Nothing is deleted (its audit log stays, as every audit log does). Returns whether there was one.
 */
export async function retireDemoCommunity(tx: Tx): Promise<boolean> {
  const current = await tx.community.findFirst({ where: { slug: demoSlug, demo: true } });
  if (!current) return false;
  await tx.community.update({ where: { id: current.id }, data: { slug: `${demoSlug}-retired-${current.id}` } });
  await tx.role.deleteMany({ where: { communityId: current.id } });
  await tx.householdClaim.deleteMany({ where: { household: { building: { communityId: current.id } } } });
  await tx.chat.updateMany({
    where: { communityId: current.id, platform: 'local' },
    data: { binding: null, communityId: null, buildingId: null, partyId: null },
  });
  return true;
}

/** The demo community as the web chat shows it: its personas (local members) and its group chats. */
export async function demoWorld(tx: Tx): Promise<DemoWorld | null> {
  const community = await tx.community.findFirst({ where: { slug: demoSlug, demo: true } });
  if (!community) return null;
  const members = await tx.member.findMany({
    where: {
      platform: 'local',
      OR: [
        { roles: { some: { communityId: community.id } } },
        { claims: { some: { household: { building: { communityId: community.id } } } } },
      ],
    },
    include: {
      roles: { where: { communityId: community.id }, include: { building: true } },
      claims: {
        where: { household: { building: { communityId: community.id } } },
        include: { household: { include: { building: true } } },
      },
    },
    orderBy: { id: 'asc' },
  });
  const chats = await tx.chat.findMany({
    where: { platform: 'local', communityId: community.id, kind: 'group', leftAt: null },
    orderBy: { id: 'asc' },
    include: { building: true },
  });
  return {
    demo: true,
    community: { name: community.name },
    personas: members.map((member) => {
      const household = member.claims[0]?.household;
      return {
        id: member.platformUserId,
        name: member.displayName,
        roles: [...new Set([...member.roles.map((role) => role.kind), ...(household ? (['resident'] as const) : [])])],
        building: household?.building.name ?? null,
        unit: household?.unit ?? null,
        headOf: member.roles.find((role) => role.kind === 'building_head')?.building?.name ?? null,
        locale: member.locale ?? community.locale,
      };
    }),
    chats: chats.map((chat) => ({
      id: chat.platformChatId,
      kind: 'group',
      title: chat.title ?? chat.platformChatId,
      binding: chat.binding ?? 'community',
      building: chat.building?.name ?? null,
    })),
  };
}

/** Marks the freshly created community as demo data. */
export async function markDemo(tx: Tx, slug: string): Promise<void> {
  await tx.community.update({ where: { slug }, data: { demo: true } });
}
