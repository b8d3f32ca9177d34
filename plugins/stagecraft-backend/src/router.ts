import express from 'express';
import Router from 'express-promise-router';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type { ClusterGateway } from './domain/ports';
import { getHealth } from './domain/health/getHealth';
import type { EnvironmentType } from './environmentTypes';

/**
 * Translates HTTP to use cases; no logic of its own. Authentication is the
 * http router's (only /health is open, see plugin.ts).
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  gateway: ClusterGateway;
  environmentTypes: EnvironmentType[];
  healthTimeoutMs: number;
}): Promise<express.Router> {
  const { httpAuth, gateway, environmentTypes, healthTimeoutMs } = options;
  const router = Router();
  router.use(express.json());

  router.get('/health', async (_req, res) => {
    res.json(await getHealth({ gateway }, { timeoutMs: healthTimeoutMs }));
  });

  router.get('/environment-types', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ items: environmentTypes });
  });

  return router;
}
