import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Slack's requests are small; 1 MiB refuses anything else (413) as soon as it is seen. */
const bodyLimit = 1024 * 1024;
/** Slack's replay window: a request signed more than five minutes ago (or ahead) is refused. */
const maxSkewSeconds = 5 * 60;

/**
 * Whether a request carries Slack's v0 signature of its raw body under the signing secret, made within five minutes.
 * https://api.slack.com/authentication/verifying-requests-from-slack
 */
export function verifySlackSignature(secret: string, headers: Record<string, unknown>, rawBody: string, nowSeconds: number): boolean {
  const timestamp = headers['x-slack-request-timestamp'];
  const signature = headers['x-slack-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > maxSkewSeconds) return false;
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type SlackRequest =
  | { kind: 'event'; body: { type: string; team_id?: string; event_id?: string; event?: unknown; challenge?: string } }
  | { kind: 'command'; fields: Record<string, string> }
  | { kind: 'interaction'; payload: Record<string, unknown> };

/**
 * Slack's three request URLs on yishi's HTTP server: `/slack/events` (Events API), `/slack/commands` (the slash
 * command) and `/slack/interactions` (buttons). Each request's signature is checked on its raw body first (401, and
 * nothing recorded, when it is missing, wrong or stale); then `receive` records it, and only then is Slack answered
 * (200 within its 3 s; a 500 makes Slack retry, which the inbox turns into a no-op).
 */
export function registerSlackRoutes(
  http: FastifyInstance,
  options: { signingSecret: string; receive(request: SlackRequest): Promise<void>; now?: () => number },
): void {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  void http.register(async (scope) => {
    // The raw body is what Slack signed: kept as text, parsed only after the signature holds.
    scope.addContentTypeParser(
      ['application/json', 'application/x-www-form-urlencoded'],
      { parseAs: 'string', bodyLimit },
      (_request, body, done) => done(null, body),
    );
    const route = (path: string, parse: (raw: string) => SlackRequest | null) =>
      scope.post(path, { bodyLimit }, async (request: FastifyRequest, reply: FastifyReply) => {
        const raw = typeof request.body === 'string' ? request.body : '';
        if (!verifySlackSignature(options.signingSecret, request.headers, raw, now()))
          return reply.code(401).send({ error: 'unauthorized' });
        let parsed: SlackRequest | null;
        try {
          parsed = parse(raw);
        } catch {
          parsed = null;
        }
        if (!parsed) return reply.code(400).send({ error: 'not a Slack request' });
        if (parsed.kind === 'event' && parsed.body.type === 'url_verification') return reply.send({ challenge: parsed.body.challenge });
        try {
          await options.receive(parsed);
        } catch (error) {
          request.log.error({ err: error }, 'slack: request not recorded');
          return reply.code(500).send({ error: 'not recorded, send again' });
        }
        // An empty 200: Slack shows the slash command's user nothing more than what the bot posts.
        return reply.code(200).send('');
      });
    route('/slack/events', (raw) => {
      const body = JSON.parse(raw) as SlackRequest & { kind: 'event' } extends { body: infer B } ? B : never;
      return typeof body === 'object' && body !== null && typeof body.type === 'string' ? { kind: 'event', body } : null;
    });
    route('/slack/commands', (raw) => {
      const fields = Object.fromEntries(new URLSearchParams(raw));
      return typeof fields.trigger_id === 'string' && typeof fields.user_id === 'string' && typeof fields.channel_id === 'string'
        ? { kind: 'command', fields: { text: '', ...fields } }
        : null;
    });
    route('/slack/interactions', (raw) => {
      const payload = JSON.parse(new URLSearchParams(raw).get('payload') ?? 'null') as Record<string, unknown> | null;
      return payload && typeof payload === 'object' && typeof payload.type === 'string' ? { kind: 'interaction', payload } : null;
    });
  });
}
