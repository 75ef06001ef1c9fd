import { DomainError } from '../core/errors.js';
import type { ChatBinding, RoleKind } from '../db/generated/enums.js';
import type { Capability, ChatKind, CommandArgs, CommandSpec, HandlerTable, ReminderAction } from './capability.js';
import type { Action, ActionType } from './commands.js';
import { type CommandContext, reply } from './context.js';
import { digests } from './modules/digests/index.js';
import { followups } from './modules/followups/index.js';
import { issues } from './modules/issues/index.js';
import { meetings } from './modules/meetings/index.js';
import { membership } from './modules/membership/index.js';
import { rolesIn } from './modules/membership/permissions.js';
import { polls } from './modules/polls/index.js';
import type { ReminderKind } from './modules/reminders/schedule.js';
import type { TapHandler } from './taps.js';

// Every capability of the engine, one line each. The command parser, /help, the platforms' menus, the handler table,
// the tap batch's deciders and the reminders' actions are composed from these manifests: a new capability is a folder under modules/ and a line here.
const manifests = [membership, issues, followups, polls, meetings, digests] as const;
const capabilities = manifests as readonly Capability[];

const help: CommandSpec = {
  name: 'help',
  parse: () => ({ type: 'member.help' }),
  usageKey: 'commands:help.usage',
  summaryKey: 'commands:help.summary',
  offer: { to: 'everyone', in: ['private', 'group'], menu: ['private', 'group'] },
};

const specs: CommandSpec[] = [help, ...capabilities.flatMap((entry) => entry.commands)];
const byName = new Map(specs.map((spec) => [spec.name, spec]));

/** Every command name, in the order /help lists them. */
export const commandNames: readonly string[] = specs.map((spec) => spec.name);

/** The declaration of a command, or undefined for a name no capability declares. */
export function commandSpec(name: string): CommandSpec | undefined {
  return byName.get(name);
}

/**
 * A typed command's arguments as the engine action, the same for every platform; `command.malformed` when they do
 * not fit (answered with the usage) and `command.unknown` for a name no capability declares.
 */
export function parseArguments(name: string, rawArgs: string): Action {
  const spec = byName.get(name);
  if (!spec) return { type: 'command.unknown', name };
  const rest = rawArgs.trim();
  const words = rest ? rest.split(/\s+/) : [];
  const number = /^#?(\d{1,9})$/.exec(words[0] ?? '');
  const args: CommandArgs = {
    rest,
    words,
    number: number && Number(number[1]) > 0 ? Number(number[1]) : null,
    afterFirst: rest.replace(/^\S+\s*/, ''),
  };
  return spec.parse(args) ?? { type: 'command.malformed', command: name };
}

/**
 * The commands offered, in /help's order, to someone holding `roles` in the chat's community ('resident' for a claimed
 * household), in a chat of this kind and binding.
 */
export function commandsOffered(
  roles: ReadonlyArray<RoleKind | 'resident'>,
  chat: { kind: ChatKind; binding: ChatBinding | null },
): string[] {
  const offered = ({ to }: CommandSpec['offer']) =>
    to === 'everyone' || (to === 'members' ? roles.length > 0 : to.some((role) => roles.includes(role)));
  return specs
    .filter(({ offer }) => offer.in.includes(chat.kind))
    .filter(({ offer }) => chat.kind === 'private' || !offer.bindings || (chat.binding !== null && offer.bindings.includes(chat.binding)))
    .filter(({ offer }) => offered(offer))
    .map((spec) => spec.name);
}

/** The platforms' fixed menus: what anyone may use, in private chats and in groups. */
export function menuCommands(kind: ChatKind): string[] {
  return specs.filter((spec) => spec.offer.menu?.includes(kind)).map((spec) => spec.name);
}

/** `/help`: the commands this member can use here, by chat kind, binding and role. Emits member.help. */
async function showHelp(ctx: CommandContext): Promise<void> {
  const roles = ctx.community ? rolesIn(ctx, ctx.community.id) : [];
  // A building head speaks for their own building: in another building's group, or the community's, they are not one.
  const here = roles.filter(
    (role) => role.kind !== 'building_head' || ctx.chat.kind === 'private' || role.buildingId === ctx.chat.buildingId,
  );
  const kinds = [...new Set(here.map((role) => role.kind))].sort();
  const resident = ctx.community !== null && ctx.memberOf.has(ctx.community.id);
  const commands = commandsOffered(resident ? [...kinds, 'resident'] : kinds, { kind: ctx.chat.kind, binding: ctx.chat.binding });
  reply(ctx, { type: 'member.help', params: { roles: kinds, chatKind: ctx.chat.kind, commands } });
}

// Checked when compiling: every action type has a handler in some manifest (or here), or the build names it.
type KeysOf<T> = T extends unknown ? keyof T : never;
type Handled = KeysOf<(typeof manifests)[number]['handlers']> | 'member.help' | 'command.unknown' | 'command.malformed';
type Unhandled = Exclude<ActionType, Handled>;
const everyActionHandled: [Unhandled] extends [never] ? true : { unhandled: Unhandled } = true;
void everyActionHandled;

/** Every action the engine understands, and the use-case that handles it. */
export const handlers = Object.assign(
  {
    'member.help': showHelp,
    'command.unknown': async (_ctx: CommandContext, action: { name: string }) => {
      throw new DomainError('unknown_command', { name: action.name });
    },
    'command.malformed': async (_ctx: CommandContext, action: { command: string }) => {
      throw new DomainError('usage', { command: action.command });
    },
  },
  ...capabilities.map((entry) => entry.handlers),
) as HandlerTable;

type TapType = KeysOf<NonNullable<(typeof manifests)[number]['taps']>>;
export type TapAction = Extract<Action, { type: TapType }>;

/** The actions decided in bulk by the tap batch, and their deciders. */
export const tapHandlers = Object.assign({}, ...capabilities.map((entry) => entry.taps ?? {})) as {
  [T in TapType]: TapHandler<Extract<Action, { type: T }>>;
};

// Checked when compiling: every reminder kind a capability declares has its action in some manifest.
type UnhandledReminder = Exclude<ReminderKind, KeysOf<NonNullable<(typeof manifests)[number]['reminders']>>>;
const everyReminderHandled: [UnhandledReminder] extends [never] ? true : { unhandled: UnhandledReminder } = true;
void everyReminderHandled;

/** What each kind of reminder does when it falls due. */
export const reminderActions = Object.assign({}, ...capabilities.map((entry) => entry.reminders ?? {})) as {
  [K in ReminderKind]: ReminderAction<K>;
};

/** The capabilities' recurring reminders, each giving the rows missing now. */
export const recurringSchedules = capabilities.flatMap((entry) => (entry.recurring ? [entry.recurring] : []));
