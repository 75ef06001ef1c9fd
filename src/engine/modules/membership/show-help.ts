import type { CommandName } from '../../commands.js';
import type { CommandContext } from '../../context.js';
import { reply } from '../../context.js';
import { rolesIn } from './permissions.js';

const everyone: CommandName[] = [
  'start',
  'help',
  'lang',
  'issue',
  'support',
  'issues',
  'show',
  'rate',
  'reopen',
  'results',
  'mydata',
  'forgetme',
];

/** `/help`: the commands this member can use here, by chat kind and role. Emits member.help. */
export async function showHelp(ctx: CommandContext): Promise<void> {
  const roles = ctx.community ? await rolesIn(ctx.tx, ctx.member.id, ctx.community.id) : [];
  const kinds = new Set(roles.map((role) => role.kind));
  const commands = [...everyone, ctx.chat.kind === 'group' ? 'link' : 'claim'] as CommandName[];
  if (kinds.has('committee'))
    commands.push('triage', 'assign', 'escalate', 'resolve', 'hide', 'poll', 'ownersvote', 'close', 'remind', 'turnout', 'paperballot');
  if (kinds.has('committee')) commands.push('digest');
  if (kinds.has('building_head')) commands.push('poll', 'close', 'remind', 'turnout', 'paperballot');
  if (kinds.has('building_head') || kinds.has('group_head') || kinds.has('representative')) commands.push('escalate');
  if (kinds.has('responder') || kinds.has('party_member')) commands.push('respond', 'resolve');
  reply(ctx, { type: 'member.help', params: { roles: [...kinds].sort(), chatKind: ctx.chat.kind, commands: [...new Set(commands)] } });
}
