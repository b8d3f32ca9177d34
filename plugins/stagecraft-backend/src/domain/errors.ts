/**
 * Domain errors. Their names match @backstage/errors so the backend's error
 * middleware maps them to 400/403/404/409 without the domain importing it.
 */
export { InputError } from '@stagecraft/backstage-plugin-stagecraft-common';

/** What a 404 says is missing, for callers that act on it (`error.missing` in the body). */
export type Missing = 'component';

export class NotFoundError extends Error {
  /** Serialised into the error body (the middleware copies own fields). */
  readonly missing?: Missing;
  constructor(message: string, missing?: Missing) {
    super(message);
    this.name = 'NotFoundError';
    if (missing) this.missing = missing;
  }
}

export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

export class NotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAllowedError';
  }
}

/** A cluster could not be reached or refused a call (maps to 503). */
export class ServiceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceUnavailableError';
  }
}

/** A limit refused the request for now (maps to 429 in the router). */
export class TooManyRequestsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TooManyRequestsError';
  }
}
