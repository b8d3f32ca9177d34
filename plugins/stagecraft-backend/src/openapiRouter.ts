import express from 'express';
import { createOpenApiRouter } from './schema/openapi';

/** What a 503 for an unavailable cluster (or a 429) asks a client to wait. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Errors of the body parser (a body over the limit is 413, not JSON 400)
 * answer with their own status: past this point the generated router's
 * error transformer would make every error a 400.
 */
const bodyErrors: express.ErrorRequestHandler = (err, _req, res, next) => {
  const status = Number(err?.status ?? err?.statusCode);
  if (err?.type && status >= 400 && status < 500 && status !== 400) {
    res.status(status).json({
      error: { name: err.name ?? 'Error', message: err.message },
    });
    return;
  }
  next(err);
};

/**
 * The router typed by src/schema/openapi.yaml (its generated module): the
 * handlers' params, query, bodies and answers are the spec's types.
 *
 * Requests are not validated against the spec here: the use cases validate
 * every input (ARCHITECTURE: validation lives in the use cases) and answer
 * 400s that name the field and say what is allowed (`name "Team_A" is not a
 * valid DNS-1123 label: …`), where the spec's validator would say
 * `name must match pattern "…"`. The spec documents the same rules.
 */
export async function createSpecRouter() {
  return createOpenApiRouter({
    middleware: [express.json({ limit: '64kb' }), bodyErrors as never],
    validatorOptions: { validateRequests: false },
  });
}

/**
 * After the routes: a cluster that cannot answer now says when to ask again
 * (the error handler Backstage installs after this router makes it a 503);
 * a limit (concurrent log follows) answers 429.
 */
export const retryAfter: express.ErrorRequestHandler = (
  err,
  _req,
  res,
  next,
) => {
  if (err?.name === 'ServiceUnavailableError' && !res.headersSent) {
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  }
  if (err?.name === 'TooManyRequestsError' && !res.headersSent) {
    res
      .status(429)
      .setHeader('Retry-After', String(RETRY_AFTER_SECONDS))
      .json({ error: { name: err.name, message: err.message } });
    return;
  }
  next(err);
};
