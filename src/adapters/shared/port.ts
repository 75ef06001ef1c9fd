import type { FastifyInstance } from 'fastify';
import type { i18n } from 'i18next';
import type { Logger } from '../../core/logger.js';
import type { OutboundPort } from '../../delivery/delivery.js';
import type { LocalTranscript } from '../../delivery/local-transcript.js';
import type { Engine } from '../../engine/index.js';
import type { InboundEvent, Translator } from '../../inbox/inbox.js';

type Platform = OutboundPort['platform'];

/** What the composition root lends every adapter. */
export type AdapterDeps = {
  i18n: i18n;
  logger: Logger;
  engine: Engine;
  /** Records inbound events in the inbox; an adapter acknowledges the platform only once this has resolved. */
  record(events: InboundEvent[]): Promise<number>;
  /** The message store of the platform yishi hosts itself (the local web chat). */
  localTranscript: LocalTranscript;
};

/** A running platform adapter: its receiver (start/stop), its translator and its sender. */
export interface ChatAdapter {
  readonly platform: Platform;
  /** A stored inbound payload as an engine command, or null when the engine has no use for it. */
  readonly translate: Translator;
  readonly outbound: OutboundPort;
  /** Starts receiving (polling, sockets); routes the plug-in registered start answering. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Says, in the operator's language, that it is up and how it receives. */
  readyMessage(t: (key: string, params?: Record<string, unknown>) => string): string;
}

/**
 * A platform as a plug-in: the composition root lists each one with its config section (null when not configured),
 * registers its HTTP routes before the server listens, creates it once the database and engine are up, and builds the
 * inbox and the delivery loop once over all of them.
 */
export interface AdapterPlugin<Settings, Adapter extends ChatAdapter = ChatAdapter> {
  readonly platform: Platform;
  /**
   * HTTP routes the platform owns (a webhook, a page). They exist from the start; until `current()` returns the
   * adapter they answer 503.
   */
  routes?(http: FastifyInstance, settings: Settings, current: () => Adapter | null): void;
  /** Refuses settings that cannot work in this installation, with an OperatorError naming the fix. */
  check?(settings: Settings, environment: { host: string }): void;
  create(settings: Settings, deps: AdapterDeps): Promise<Adapter>;
}

/** A plug-in with its settings, as the composition root lists it. */
export type ConfiguredAdapter = { plugin: AdapterPlugin<unknown>; settings: unknown };

/** One entry of the composition root's list: the plug-in and its config section, or nothing when unconfigured. */
export function configured<Settings, Adapter extends ChatAdapter>(
  plugin: AdapterPlugin<Settings, Adapter>,
  settings: Settings | undefined | null,
): ConfiguredAdapter[] {
  return settings == null ? [] : [{ plugin: plugin as unknown as AdapterPlugin<unknown>, settings }];
}
