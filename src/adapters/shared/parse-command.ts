import { parseArguments } from '../../engine/capabilities.js';
import type { Action } from '../../engine/commands.js';

/**
 * Turns a chat message into an engine action, the same for every platform: `/cmd args` or `/cmd@botname args`.
 * Returns null for ordinary messages and for commands addressed to another bot. The arguments are parsed by the
 * command's capability (see src/engine/capabilities.ts): malformed ones give `command.malformed`, which the engine
 * answers with the command's usage; an unknown command gives `command.unknown`.
 */
export function parseCommand(text: string, botUsername?: string): Action | null {
  const match = /^\/([A-Za-z_]+)(?:@(\S+))?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return null;
  const [, rawName = '', addressee, rawArgs = ''] = match;
  if (addressee && botUsername && addressee.toLowerCase() !== botUsername.toLowerCase()) return null;
  return parseArguments(rawName.toLowerCase(), rawArgs);
}
