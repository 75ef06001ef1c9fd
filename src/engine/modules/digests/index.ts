import { capability } from '../../capability.js';
import { showHome } from './member-home.js';
import { dailyDigestDue, missingDigests, weeklyRollupDue } from './schedule-digests.js';
import { showDigest } from './show-digest.js';

/** Digests: the committee's daily digest on demand (the scheduled ones are reminders). */
export const digests = capability({
  name: 'digests',
  commands: [
    {
      name: 'digest',
      parse: () => ({ type: 'digest.show' }),
      usageKey: 'commands:digest.usage',
      summaryKey: 'commands:digest.summary',
      offer: { to: ['committee'], in: ['group'], bindings: ['committee'] },
    },
  ],
  handlers: { 'digest.show': showDigest, 'member.home': showHome },
  reminders: { 'digest.daily': dailyDigestDue, 'digest.weekly': weeklyRollupDue },
  recurring: missingDigests,
});
