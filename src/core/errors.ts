/**
 * An expected failure at start or in an operator command: bad configuration, an unreachable database, a port in
 * use. `code` names an `operator.errors.<code>` locale entry; the process prints that one line and exits non-zero,
 * without a stack trace, because the operator can fix it and a stack would only hide the fix.
 */
export class OperatorError extends Error {
  readonly code: OperatorErrorCode;
  readonly params: Record<string, string | number>;

  constructor(code: OperatorErrorCode, params: Record<string, string | number> = {}, options?: { cause?: unknown }) {
    super(`${code} ${JSON.stringify(params)}`, options);
    this.name = 'OperatorError';
    this.code = code;
    this.params = params;
  }
}

export type OperatorErrorCode =
  | 'config_invalid'
  | 'database_url_invalid'
  | 'database_unreachable'
  | 'database_host_unknown'
  | 'database_auth_failed'
  | 'database_missing'
  | 'database_timeout'
  | 'database_failed'
  | 'data_dir_unwritable'
  | 'data_dir_corrupt'
  | 'data_dir_locked'
  | 'migration_failed'
  | 'port_in_use'
  | 'port_denied'
  | 'listen_failed'
  | 'community_not_found'
  | 'community_exists'
  | 'slug_invalid'
  | 'register_unreadable'
  | 'register_invalid'
  | 'building_not_found'
  | 'unit_needs_building'
  | 'unit_not_found'
  | 'party_not_found'
  | 'party_exists'
  | 'member_not_found'
  | 'role_scope_invalid'
  | 'category_not_found'
  | 'option_invalid'
  | 'dead_letter_unknown'
  | 'webchat_not_loopback'
  | 'telegram_unreachable'
  | 'slack_unreachable'
  | 'worker_needs_redis'
  | 'redis_unreachable'
  | 'community_without_subdistrict'
  | 'meeting_not_found'
  | 'meeting_not_closed';

export function isOperatorError(error: unknown): error is OperatorError {
  return error instanceof OperatorError;
}

/**
 * An expected refusal of a member's command: not allowed, malformed, unknown issue. The engine rolls back the
 * command's effects and sends the member `errors.<code>` in their language with `params`. Tests assert the code.
 */
export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly params: Record<string, string | number>;

  constructor(code: DomainErrorCode, params: Record<string, string | number> = {}) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'DomainError';
    this.code = code;
    this.params = params;
  }
}

export const domainErrorCodes = [
  'unknown_command',
  'usage',
  'rate_limited',
  'group_only',
  'private_only',
  'chat_not_linked',
  'chat_not_for_issues',
  'no_community',
  'not_a_member',
  'code_invalid',
  'code_expired',
  'code_used',
  'code_wrong_purpose',
  'code_exposed',
  'locale_unsupported',
  'text_empty',
  'text_too_long',
  'issue_not_found',
  'issue_not_open',
  'issue_not_resolved',
  'issue_not_closed',
  'already_supported',
  'support_out_of_scope',
  'committee_only',
  'escalate_role_required',
  'already_top_level',
  'triage_small_not_assignable',
  'responder_not_found',
  'days_invalid',
  'not_responder',
  'no_open_follow_up',
  'resolve_not_allowed',
  'score_invalid',
  'not_a_rater',
  'not_a_supporter',
  'draft_not_found',
  'reason_required',
  'poll_not_found',
  'poll_closed',
  'poll_question_empty',
  'poll_too_few_options',
  'poll_too_many_options',
  'poll_option_too_long',
  'poll_hours_invalid',
  'poll_quorum_invalid',
  'poll_role_required',
  'poll_option_invalid',
  'not_a_voter',
  'poll_creator_only',
  'not_owners_vote',
  'turnout_role_required',
  'own_building_only',
  'household_not_found',
  'household_ambiguous',
  'voted_in_chat',
  'committee_chat_only',
  'no_meeting',
  'meeting_not_found',
  'meeting_closed',
  'meeting_time_invalid',
  'meeting_in_past',
  'meeting_exists',
  'monthly_day_invalid',
  'meeting_role_required',
  'agenda_locked',
  'agenda_not_locked',
  'agenda_item_not_found',
  'not_on_agenda',
  'already_on_agenda',
  'position_invalid',
  'item_not_decided',
  'not_party_member',
  'party_not_at_meeting',
  'party_ambiguous',
  'delegate_missing',
] as const;
export type DomainErrorCode = (typeof domainErrorCodes)[number];

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
