import type { NoticeBody, NoticeType } from '../engine/notices.js';
import type { TFunction } from '../i18n/index.js';
import type { Block } from './document.js';

/** What rendering a notice needs: the translator fixed to its language, and the time zone its dates are shown in. */
export type RenderContext = { t: TFunction; timeZone: string };

export type ParamsOf<T extends NoticeType> = Extract<NoticeBody, { type: T }>['params'];

/**
 * A capability's renderers, one per notice type it owns. The render layer's table is the union of every capability's;
 * the type makes a notice type without a renderer an error.
 */
export type NoticeRenderers<T extends NoticeType> = { [K in T]: (params: ParamsOf<K>, context: RenderContext) => Block[] };
