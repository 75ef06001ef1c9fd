import type { DatabaseKind } from '../db/database.js';
import type { MigrationState } from '../db/migrations.js';

export type ServiceStatus = 'starting' | 'ok' | 'stopping' | 'error';

/** What GET /healthz reports; the composition root updates it as the service comes up and goes down. */
export type HealthReport = {
  status: ServiceStatus;
  database: { kind: DatabaseKind; connected: boolean };
  migrations: { state: MigrationState['state']; applied: number; latest: string | null };
  uptimeSeconds: number;
  /** Reminders waiting, late by more than a minute, and given up after repeated failures (look at those). */
  scheduler?: { kind: 'bullmq' | 'in-process'; pending: number; overdue: number; failed: number } | null;
  /** Inbound events waiting, failed and waiting for their next try, and set aside as dead letters (`yishi inbox dead`). */
  inbox?: { pending: number; failed: number; dead: number } | null;
};

export function isHealthy(report: HealthReport): boolean {
  return report.status === 'ok';
}
