import type { Logger } from '../core/logger.js';
import type { ChatBinding, RoleKind } from '../db/generated/enums.js';
import type { Action, ActionType } from './commands.js';
import type { CommandContext, EffectContext, Tx } from './context.js';
import type { Reminder, ReminderKind, ReminderParams } from './modules/reminders/schedule.js';
import type { TapHandler } from './taps.js';

export type ChatKind = 'private' | 'group';

/** A typed command's arguments, pre-cut the ways most commands need. */
export type CommandArgs = {
  /** Everything after the command name, trimmed. */
  rest: string;
  /** `rest` split on white space. */
  words: string[];
  /** The first word as an issue or poll number ("12" or "#12"), or null. */
  number: number | null;
  /** `rest` without its first word. */
  afterFirst: string;
};

/**
 * Who `/help` and the platforms' menus offer a command to, and where. The use-case still checks its own rule, which
 * may be narrower (the poll's creator, the issue's supporters); /help never offers what the role or the chat refuses.
 */
export type Offer = {
  /** Everyone; verified members of the chat's community (a claimed household or a role); or holders of these roles. */
  to: 'everyone' | 'members' | readonly RoleKind[];
  in: readonly ChatKind[];
  /** Only in groups bound to one of these (raising an issue needs a building's or the community's group). */
  bindings?: readonly ChatBinding[];
  /** The platforms' fixed command menus it appears in. */
  menu?: readonly ChatKind[];
};

/** A chat command as its capability declares it. */
export type CommandSpec = {
  name: string;
  /** The action, or null when the arguments are malformed (the member is shown the usage). */
  parse(args: CommandArgs): Action | null;
  usageKey: string;
  summaryKey: string;
  offer: Offer;
};

export type Handler<T extends ActionType> = (ctx: CommandContext, action: Extract<Action, { type: T }>) => Promise<void>;
export type HandlerTable = { [T in ActionType]: Handler<T> };

/** What a reminder of this kind does when it falls due, in the transaction that marks it fired. */
export type ReminderAction<K extends ReminderKind> = (ctx: EffectContext, params: ReminderParams[K], dueAt: Date) => Promise<void>;

/**
 * A capability's manifest: its chat commands, the use-cases that handle its actions, and optionally the set-oriented
 * deciders of actions that arrive in bursts (taps), what its reminders do, and the reminders it keeps scheduled.
 */
export type Capability<T extends ActionType = ActionType, R extends ReminderKind = ReminderKind> = {
  name: string;
  commands: CommandSpec[];
  handlers: { [K in T]: Handler<K> };
  /** Decides bursts of these actions together in the tap batch (tap-batch.ts), by the same rules as the handler. */
  taps?: { [K in T]?: TapHandler<Extract<Action, { type: K }>> };
  reminders?: { [K in R]: ReminderAction<K> };
  /** The reminders that recur for ever (each firing schedules its next), missing ones: asked at start and hourly. */
  recurring?: (tx: Tx, now: Date, logger?: Logger) => Promise<Reminder[]>;
};

/** Declares a capability, checking that its handler table handles exactly the action types it names. */
export function capability<T extends ActionType, R extends ReminderKind = never>(manifest: Capability<T, R>): Capability<T, R> {
  return manifest;
}

/** A word from a table of words, never one of Object.prototype's own names ("constructor"). */
export function lookup<T>(table: Record<string, T>, word: string | undefined): T | undefined {
  const key = (word ?? '').toLowerCase();
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
