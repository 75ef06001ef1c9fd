import { OperatorError } from '../../../core/errors.js';
import type { Community } from '../../../db/generated/client.js';
import type { Tx } from '../../context.js';
import type { NoticeBody } from '../../notices.js';
import { findCommunity } from '../setup/find-community.js';
import { agendaEntries } from './agenda.js';
import { attendance } from './meeting-queries.js';

/**
 * `yishi minutes export <community> <meeting>`: the minutes of a closed joint meeting as its notice, for the CLI to
 * write as a document, with the community (its language and time zone). Throws community_not_found,
 * meeting_not_found, meeting_not_closed.
 */
export async function exportMinutes(
  tx: Tx,
  slug: string,
  number: number,
  now: Date,
): Promise<{ community: Community; minutes: Extract<NoticeBody, { type: 'meeting.minutes' }> }> {
  const community = await findCommunity(tx, slug);
  const meeting = await tx.meeting.findUnique({ where: { communityId_number: { communityId: community.id, number } } });
  if (!meeting) throw new OperatorError('meeting_not_found', { slug, number });
  if (meeting.status !== 'closed') throw new OperatorError('meeting_not_closed', { slug, number });
  const state = await attendance({ tx }, meeting, community);
  return {
    community,
    minutes: {
      type: 'meeting.minutes',
      params: {
        meeting: meeting.number,
        startsAt: meeting.startsAt.toISOString(),
        place: meeting.place,
        attendance: state.parties.map(({ party, answer, delegate, reason }) => ({ party, answer, delegate, reason })),
        quorum: state.quorum,
        quorumMet: state.met,
        items: await agendaEntries({ tx, now }, meeting),
      },
    },
  };
}
