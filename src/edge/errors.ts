// Every error the gateway sends has OpenAI's shape, so OpenAI client libraries show our
// sentence instead of a parse failure: { "error": { "message": "...", "type": "..." } }.

export type ApiErrorType =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid_request_error'
  | 'request_too_large'
  | 'rate_limit_exceeded'
  | 'banned'
  | 'request_timeout'
  | 'headers_too_large'
  | 'not_ready'
  | 'server_error';

export interface ApiErrorBody {
  error: { message: string; type: ApiErrorType };
}

export function errorBody(type: ApiErrorType, message: string): ApiErrorBody {
  return { error: { message, type } };
}

/** Thrown by request handlers to answer with a given status and sentence. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: 400 | 401 | 403 | 404 | 408 | 413 | 429 | 431 | 500 | 503;
  readonly type: ApiErrorType;
  /** Extra response headers (Retry-After, WWW-Authenticate). */
  readonly headers: Record<string, string>;
  constructor(status: ApiError['status'], type: ApiErrorType, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.type = type;
    this.headers = headers;
  }
}

/**
 * A reason the gateway cannot start: a setting it refuses or a port it cannot take. The
 * message is meant for the person running it, never followed by a stack trace.
 */
export class GatewayStartError extends Error {
  override name = 'GatewayStartError';
}
