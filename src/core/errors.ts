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
  | 'listen_failed';

export function isOperatorError(error: unknown): error is OperatorError {
  return error instanceof OperatorError;
}
