import { createRouteRef } from '@backstage/core-plugin-api';

// Route refs of the legacy frontend system (core-plugin-api). The new system
// has its own in ../plugin.tsx; both mount the same components.

/** The "Deployments" tab of a Component (legacy frontend system). @public */
export const deploymentsRouteRef = createRouteRef({
  id: 'stagecraft:deployments',
});

/** The "Config" tab of a Component (legacy frontend system). @public */
export const configRouteRef = createRouteRef({ id: 'stagecraft:config' });

/** The top-level "Environments" page (legacy frontend system). @public */
export const environmentsPageRouteRef = createRouteRef({
  id: 'stagecraft:environments',
});
