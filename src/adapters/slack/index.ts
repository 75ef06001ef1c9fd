import { OperatorError } from '../../core/errors.js';
import type { AdapterPlugin } from '../shared/port.js';
import type { SlackAdapter, SlackConfig } from './adapter.js';
import { registerSlackRoutes } from './receiver.js';

/**
 * Slack as a plug-in: its three request URLs on yishi's HTTP server (with the signing secret), or a Socket Mode
 * connection (with the app token), and the Web API for sending.
 */
export const slack: AdapterPlugin<SlackConfig, SlackAdapter> = {
  platform: 'slack',
  routes(http, settings, current) {
    if (!settings.signingSecret) return;
    registerSlackRoutes(http, {
      signingSecret: settings.signingSecret,
      receive: async (request) => {
        const adapter = current();
        if (!adapter) throw new Error('slack adapter not ready');
        await adapter.receive(request);
      },
    });
  },
  async create(settings, deps) {
    // Slack's SDK is loaded only where Slack is configured.
    const { createSlackAdapter } = await import('./adapter.js');
    try {
      return await createSlackAdapter({ config: settings, i18n: deps.i18n, logger: deps.logger, record: deps.record });
    } catch (error) {
      throw new OperatorError(
        'slack_unreachable',
        { apiUrl: settings.apiUrl ?? 'https://slack.com/api/', reason: String((error as Error).message ?? error) },
        { cause: error },
      );
    }
  },
};
