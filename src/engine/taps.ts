import type { Chat, Community, Member } from '../db/generated/client.js';
import type { Action, EngineCommand } from './commands.js';
import type { AuditInput, Tx } from './context.js';
import type { ClaimedHousehold } from './modules/membership/households.js';
import type { Notice } from './notices.js';
import type { EngineSettings } from './settings.js';

// The contract between the tap batch (tap-batch.ts) and the capabilities that decide taps in bulk; kept apart from
// the batch, which imports the capabilities' handlers.

/** One tap of a batch: who tapped where, in which language, and where its notices and audit entries go. */
export type TapContext = {
  command: EngineCommand;
  member: Member;
  chat: Chat;
  community: Community;
  locale: string;
  /** The member's claimed households in every community, lowest id first. */
  households: ClaimedHousehold[];
  /** Verified member of the chat's community (DOMAIN rule 6): a household there, or a role. */
  isMember: boolean;
  notices: Notice[];
  pendingAudit: AuditInput[];
  redactInbox?: boolean;
};

/**
 * A capability's set-oriented handling of its taps. `prepare` loads in a few statements what deciding the batch
 * needs; `apply` decides one tap in memory, in order: it throws a DomainError to refuse (having changed nothing),
 * or returns false to hand the tap to the general path (an escalation, a milestone, a closed poll: the rarer
 * outcomes the use-case itself handles); `flush` writes what the applied taps changed.
 */
export type TapHandler<A extends Action> = (
  tx: Tx,
  now: Date,
  settings: EngineSettings,
  taps: Array<{ ctx: TapContext; action: A }>,
) => Promise<{
  subject(ctx: TapContext, action: A): string;
  apply(ctx: TapContext, action: A): boolean;
  /** Writes the applied taps' effects; returns notices that concern the batch as a whole (live poll counts). */
  flush(): Promise<Notice[]>;
}>;

/** The distinct (community, number) pairs the taps name, as the two arrays an `unnest` takes. */
export function numberedSubjects(taps: Array<{ ctx: TapContext; action: { number: number } }>): {
  communityIds: number[];
  numbers: number[];
} {
  const pairs = [
    ...new Map(
      taps.map(({ ctx, action }) => [`${ctx.community.id}:${action.number}`, [ctx.community.id, action.number] as const]),
    ).values(),
  ];
  return { communityIds: pairs.map(([communityId]) => communityId), numbers: pairs.map(([, number]) => number) };
}
