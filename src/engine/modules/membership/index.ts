import { capability, lookup } from '../../capability.js';
import { markChatJoined, markChatLeft, migrateChat } from './chat-lifecycle.js';
import { claimHousehold } from './claim-household.js';
import { exportMemberData } from './export-member-data.js';
import { forgetMember } from './forget-member.js';
import { linkChat } from './link-chat.js';
import { setLanguage } from './set-language.js';
import { start } from './start.js';

const confirmWords: Record<string, true> = { confirm: true, yes: true, 确认: true, 是: true };

/** Membership: greeting, language, linking chats, claiming households, and a member's own data. */
export const membership = capability({
  name: 'membership',
  commands: [
    {
      name: 'start',
      parse: () => ({ type: 'member.start' }),
      usageKey: 'commands:start.usage',
      summaryKey: 'commands:start.summary',
      offer: { to: 'everyone', in: ['private', 'group'], menu: ['private'] },
    },
    {
      name: 'lang',
      parse: ({ words }) => (words[0] ? { type: 'member.set_language', locale: words[0] } : null),
      usageKey: 'commands:lang.usage',
      summaryKey: 'commands:lang.summary',
      offer: { to: 'everyone', in: ['private', 'group'], menu: ['private'] },
    },
    {
      name: 'link',
      parse: ({ rest }) => (rest ? { type: 'chat.link', code: rest } : null),
      usageKey: 'commands:link.usage',
      summaryKey: 'commands:link.summary',
      offer: { to: 'everyone', in: ['group'], menu: ['group'] },
    },
    {
      name: 'claim',
      parse: ({ rest }) => (rest ? { type: 'household.claim', code: rest } : null),
      usageKey: 'commands:claim.usage',
      summaryKey: 'commands:claim.summary',
      offer: { to: 'everyone', in: ['private'], menu: ['private'] },
    },
    {
      name: 'mydata',
      parse: () => ({ type: 'member.export_data' }),
      usageKey: 'commands:mydata.usage',
      summaryKey: 'commands:mydata.summary',
      offer: { to: 'everyone', in: ['private'], menu: ['private'] },
    },
    {
      name: 'forgetme',
      parse: ({ words }) => ({ type: 'member.forget', confirmed: lookup(confirmWords, words[0]) === true }),
      usageKey: 'commands:forgetme.usage',
      summaryKey: 'commands:forgetme.summary',
      offer: { to: 'everyone', in: ['private'], menu: ['private'] },
    },
  ],
  handlers: {
    'member.start': start,
    'member.set_language': setLanguage,
    'member.export_data': exportMemberData,
    'member.forget': forgetMember,
    'chat.link': linkChat,
    'household.claim': claimHousehold,
    'chat.left': markChatLeft,
    'chat.joined': markChatJoined,
    'chat.migrated': migrateChat,
  },
});
