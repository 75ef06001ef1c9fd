import { OperatorError } from '../../core/errors.js';
import type { AdapterPlugin } from '../shared/port.js';
import { createWebChatAdapter, type WebChatAdapter, type WebChatSettings } from './adapter.js';
import { registerWebChatRoutes } from './routes.js';

const loopback = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * The local web chat as a plug-in: a page at `/` that plays yishi in the demo community. Until members can sign in it
 * has no accounts, so it is served on a loopback address only.
 */
export const webChat: AdapterPlugin<WebChatSettings, WebChatAdapter> = {
  platform: 'local',
  check(_settings, { host }) {
    if (!loopback.test(host)) throw new OperatorError('webchat_not_loopback', { host });
  },
  routes(http, _settings, current) {
    registerWebChatRoutes(http, current);
  },
  create: (settings, deps) => createWebChatAdapter(settings, deps),
};
