import { isOperatorError, type OperatorErrorCode } from '../core/errors.js';
import type { TFunction } from './index.js';

/**
 * The one line an operator sees when start or a command fails. Expected failures name the problem and the fix;
 * anything else is a bug, reported with its message (the stack goes to the log, not to the terminal).
 */
export function describeFailure(error: unknown, t: TFunction): string {
  if (isOperatorError(error)) {
    return t(operatorErrorKeys[error.code], error.params);
  }
  return t('operator:errors.unexpected', { message: error instanceof Error ? error.message : String(error) });
}

// Whole keys, not built from the code at run time, so the locale completeness test can see every one of them.
const operatorErrorKeys: Record<OperatorErrorCode, string> = {
  config_invalid: 'operator:errors.config_invalid',
  database_url_invalid: 'operator:errors.database_url_invalid',
  database_unreachable: 'operator:errors.database_unreachable',
  database_host_unknown: 'operator:errors.database_host_unknown',
  database_auth_failed: 'operator:errors.database_auth_failed',
  database_missing: 'operator:errors.database_missing',
  database_timeout: 'operator:errors.database_timeout',
  database_failed: 'operator:errors.database_failed',
  data_dir_unwritable: 'operator:errors.data_dir_unwritable',
  data_dir_corrupt: 'operator:errors.data_dir_corrupt',
  data_dir_locked: 'operator:errors.data_dir_locked',
  migration_failed: 'operator:errors.migration_failed',
  port_in_use: 'operator:errors.port_in_use',
  port_denied: 'operator:errors.port_denied',
  listen_failed: 'operator:errors.listen_failed',
  community_not_found: 'operator:errors.community_not_found',
  community_exists: 'operator:errors.community_exists',
  slug_invalid: 'operator:errors.slug_invalid',
  register_unreadable: 'operator:errors.register_unreadable',
  register_invalid: 'operator:errors.register_invalid',
  building_not_found: 'operator:errors.building_not_found',
  unit_needs_building: 'operator:errors.unit_needs_building',
  unit_not_found: 'operator:errors.unit_not_found',
  party_not_found: 'operator:errors.party_not_found',
  party_exists: 'operator:errors.party_exists',
  member_not_found: 'operator:errors.member_not_found',
  role_scope_invalid: 'operator:errors.role_scope_invalid',
  category_not_found: 'operator:errors.category_not_found',
  option_invalid: 'operator:errors.option_invalid',
  dead_letter_unknown: 'operator:errors.dead_letter_unknown',
  webchat_not_loopback: 'operator:errors.webchat_not_loopback',
  telegram_unreachable: 'operator:errors.telegram_unreachable',
  slack_unreachable: 'operator:errors.slack_unreachable',
  worker_needs_redis: 'operator:errors.worker_needs_redis',
  redis_unreachable: 'operator:errors.redis_unreachable',
  community_without_subdistrict: 'operator:errors.community_without_subdistrict',
  meeting_not_found: 'operator:errors.meeting_not_found',
  meeting_not_closed: 'operator:errors.meeting_not_closed',
};

/** The scheduler's warnings and notes for the operator's log, in the operator's language. */
export function schedulerMessages(t: TFunction): {
  redisEvicts(policy: string): string;
  redisNotPersistent(): string;
  redisUnchecked(reason: string): string;
  overdueFired(count: number): string;
} {
  return {
    redisEvicts: (policy) => t('operator:scheduler.redis_evicts', { policy }),
    redisNotPersistent: () => t('operator:scheduler.redis_not_persistent'),
    redisUnchecked: (reason) => t('operator:scheduler.redis_unchecked', { reason }),
    overdueFired: (count) => t('operator:scheduler.overdue_fired', { count }),
  };
}
