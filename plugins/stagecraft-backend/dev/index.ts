import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';

// Standalone development backend for the Stagecraft plugin:
//   yarn workspace @stagecraft/backstage-plugin-stagecraft-backend start
//   curl http://localhost:7007/api/stagecraft/health
const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(import('../src'));
backend.start();
