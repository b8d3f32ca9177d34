import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Actor } from './domain/ports';

/**
 * The acting user or service of a request, as the use cases take it: the
 * router's and the agent actions' one translation of Backstage credentials.
 */
export function actorOf(credentials: BackstageCredentials): Actor {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return {
    ref:
      principal.type === 'user'
        ? principal.userEntityRef!
        : `service:${principal.subject}`,
    credentials,
  };
}
