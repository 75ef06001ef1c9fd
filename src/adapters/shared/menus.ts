import type { CommandName } from '../../engine/commands.js';

/** The commands each platform offers in its menus: in private chats with the bot, and in groups. */
export const commandMenus: Record<'private' | 'group', CommandName[]> = {
  private: ['start', 'help', 'lang', 'claim', 'issues', 'show', 'results', 'mydata', 'forgetme'],
  group: ['issue', 'support', 'issues', 'show', 'results', 'help', 'link'],
};
