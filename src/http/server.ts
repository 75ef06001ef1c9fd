import Fastify, { LogController } from 'fastify';
import { OperatorError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { type HealthReport, isHealthy } from './health.js';

export type HttpDeps = {
  logger: Logger;
  health: () => HealthReport | Promise<HealthReport>;
  /** Telegram's webhook: the path to serve, the secret Telegram echoes in a header, and where updates go. */
  telegramWebhook?: { path: string; secret: string; receive: (update: unknown) => Promise<void> };
};

/** The one HTTP server: health now; webhooks, the dashboard and /api/v1 join it in later issues. */
export function createHttpServer(deps: HttpDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Probes hit /healthz every few seconds; logging each would drown everything else.
    logController: new LogController({ disableRequestLogging: (request) => request.url === '/healthz' }),
  });
  app.get('/healthz', async (_request, reply) => {
    const report = await deps.health();
    return reply.code(isHealthy(report) ? 200 : 503).send(report);
  });
  const webhook = deps.telegramWebhook;
  if (webhook) {
    app.post(webhook.path, async (request, reply) => {
      // Without Telegram's secret the request is not from Telegram: refuse it before reading anything.
      if (request.headers['x-telegram-bot-api-secret-token'] !== webhook.secret) return reply.code(401).send({ error: 'unauthorized' });
      // Answered only once the update is in the inbox, so a 200 never stands for an update that could be lost.
      await webhook.receive(request.body);
      return reply.code(200).send({ ok: true });
    });
  }
  return app;
}

export type HttpServer = ReturnType<typeof createHttpServer>;

/** Listens, turning the usual socket failures into an operator's one-line explanation. */
export async function listen(app: HttpServer, host: string, port: number): Promise<{ host: string; port: number }> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new OperatorError('port_in_use', { port }, { cause: error });
    if (code === 'EACCES') throw new OperatorError('port_denied', { port }, { cause: error });
    throw new OperatorError('listen_failed', { host, port, reason: code ?? (error as Error).message }, { cause: error });
  }
  const address = app.server.address();
  return { host, port: typeof address === 'object' && address ? address.port : port };
}
