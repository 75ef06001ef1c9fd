import { commandSpec } from '../engine/capabilities.js';
import type { NoticeRenderers } from './context.js';
import { paragraph } from './document.js';
import { errorKeys } from './keys.js';
import { label } from './labels.js';

/** A command refused by the rules (a DomainError's code and params), the apology for a bug, a tap's blank answer. */
export const refusalRenderers: NoticeRenderers<'command.refused' | 'command.failed' | 'tap.answered'> = {
  'command.refused': ({ code, ...params }, { t }) => {
    const spec = code === 'usage' && typeof params.command === 'string' ? commandSpec(params.command) : undefined;
    if (spec) return [paragraph(t('errors:usage', { usage: t(spec.usageKey) }))];
    const shown: Record<string, string | number> = { ...params };
    if (typeof params.role === 'string') shown.role = label(t, params.role);
    return [paragraph(t(errorKeys[code], shown))];
  },
  'command.failed': (_params, { t }) => [paragraph(t('notices:command.failed'))],
  'tap.answered': () => [],
};
