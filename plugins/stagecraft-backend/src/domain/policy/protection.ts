import type { ProtectionPolicy } from '../approvals/ApprovalService';
import type { EnvironmentTypeSpec } from '../environments/types';
import { parseWindow } from './windows';

/**
 * What protects each environment, by its type: approvals and deployment
 * windows (parsed once). Unknown types are unprotected.
 */
export function protectionByType(
  types: EnvironmentTypeSpec[],
): (env: { type: string }) => ProtectionPolicy {
  const byType = new Map(
    types.map(t => [
      t.name,
      {
        ...(t.approvals && { approvals: t.approvals }),
        windows: (t.deployWindows ?? []).map((w, i) =>
          parseWindow(w, `${t.name}.deployWindows[${i}]`),
        ),
      },
    ]),
  );
  return env => byType.get(env.type) ?? { windows: [] };
}
