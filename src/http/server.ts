import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { OperatorError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { type HealthReport, isHealthy } from './health.js';

export type HttpDeps = {
  logger: Logger;
  health: () => HealthReport | Promise<HealthReport>;
  /** Routes the chat adapters own (a webhook, a page), registered before the server listens. */
  routes?: Array<(app: FastifyInstance) => void>;
};

/** The one HTTP server: health, and the routes the chat adapters own; the dashboard and /api/v1 join it later. */
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
  // Adapters see a plain FastifyInstance: the pino logger type is ours, not theirs.
  for (const register of deps.routes ?? []) register(app as unknown as FastifyInstance);
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
