import type { EscalationLevel, RoleKind } from '../../../db/generated/client.js';

/** The three-level deliberation platform, then the joint meeting, bottom to top. */
export const levels: EscalationLevel[] = ['building', 'resident_group', 'representatives', 'joint_meeting'];

export function nextLevel(level: EscalationLevel): EscalationLevel | null {
  return levels[levels.indexOf(level) + 1] ?? null;
}

/** Where an issue enters the platform: a building's chat starts it at the building, the community's chat one up. */
export function startingLevel(issue: { buildingId: number | null }): EscalationLevel {
  return issue.buildingId === null ? 'resident_group' : 'building';
}

/** Who may move an issue up from each level (the committee always may). */
export const escalatorAt: Record<EscalationLevel, RoleKind | null> = {
  building: 'building_head',
  resident_group: 'group_head',
  representatives: 'representative',
  joint_meeting: null,
};
