import type { Button, NoticeBody, NoticeType } from '../engine/notices.js';
import type { TFunction } from '../i18n/index.js';
import { buttonRows } from './buttons.js';
import type { NoticeRenderers, RenderContext } from './context.js';
import { digestRenderers } from './digests.js';
import type { Block, RenderedDocument } from './document.js';
import { followUpRenderers } from './followups.js';
import { issueRenderers } from './issues.js';
import { meetingRenderers } from './meetings.js';
import { membershipRenderers } from './membership.js';
import { pollRenderers } from './polls.js';
import { refusalRenderers } from './refusals.js';

export type { Block, DocumentButton, RenderedDocument } from './document.js';
export { documentToText } from './document.js';
export { errorKeys } from './keys.js';
export { percent } from './percent.js';

/** Every notice type's renderer, one table per capability: a new capability adds its file and one line here. */
const renderers: NoticeRenderers<NoticeType> = {
  ...membershipRenderers,
  ...issueRenderers,
  ...followUpRenderers,
  ...pollRenderers,
  ...meetingRenderers,
  ...digestRenderers,
  ...refusalRenderers,
};

/** A notice to render: its type and params, as the engine wrote them, and its buttons (none when absent). */
export type RenderableNotice = NoticeBody & { buttons?: Button[] | null };

/**
 * A notice as a neutral document in the language `t` is fixed to, its dates in `timeZone` (Asia/Shanghai unless
 * given). Anything a resident typed stays as typed: each adapter escapes it for its own markup.
 */
export function renderNotice(t: TFunction, notice: RenderableNotice, options: { timeZone?: string } = {}): RenderedDocument {
  const context: RenderContext = { t, timeZone: options.timeZone ?? 'Asia/Shanghai' };
  // The table pairs each type with its own params; TypeScript cannot follow that through a lookup by a union key.
  const render = renderers[notice.type] as (params: NoticeBody['params'], context: RenderContext) => Block[];
  return { blocks: render(notice.params, context), buttons: buttonRows(t, notice.buttons ?? []) };
}
