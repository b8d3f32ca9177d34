import { ReactNode, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ConfigVersion } from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  asArray,
  ConfigChange,
  stagecraftApiRef,
  Wire,
} from '../../api/StagecraftApi';
import { DiffView } from '../common/DiffView';
import { ActionAnswer, PermissionButton } from '../common/PermissionButton';
import { RelativeTime } from '../common/RelativeTime';
import { ConfirmDialog, DialogAction, useBusy } from '../common/ConfirmDialog';

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The changes of a config write as a diff (`-KEY=old`, `+KEY=new`). */
export function changesAsDiff(change: ConfigChange) {
  return asArray(change.changes)
    .flatMap(c => [
      ...(c?.before !== undefined ? [`-${c.key}=${show(c.before)}`] : []),
      ...(c?.after !== undefined ? [`+${c.key}=${show(c.after)}`] : []),
    ])
    .join('\n');
}

/**
 * What a person reads for an effective config version such as `env3.cmp2`:
 * which version of the environment's values and of this component's values
 * are merged. Anything else is shown as it is.
 */
export function versionLabel(version: string | undefined): string {
  const m = /^env(\d+)\.cmp(\d+)$/.exec(version ?? '');
  if (!m) return version ?? '';
  const [env, cmp] = [Number(m[1]), Number(m[2])];
  const parts = [
    cmp ? `component values v${cmp}` : 'no component values',
    env ? `environment values v${env}` : 'no environment values',
  ];
  return env || cmp ? parts.join(' + ') : 'defaults only';
}

/** A config change's dialog actions: a dry run, then the write once it changes something. */
function previewConfirmActions({
  preview,
  confirmLabel,
  call,
}: {
  preview?: ConfigChange;
  confirmLabel: string;
  call: (dryRun: boolean) => void;
}): DialogAction[] {
  return [
    {
      label: 'Preview changes',
      variant: 'outlined',
      onClick: () => call(true),
    },
    {
      label: confirmLabel,
      onClick: () => call(false),
      disabled: !preview || !asArray(preview.changes).length,
    },
  ];
}

/**
 * A config change asked of the backend with `change(dryRun)`: its dry run
 * is the preview, the real one calls `onDone`.
 */
export function useConfigChange(
  change: (dryRun: boolean) => Promise<ConfigChange>,
  onDone: () => void,
) {
  const [preview, setPreview] = useState<ConfigChange>();
  const { busy, error, run } = useBusy();
  const call = (dryRun: boolean) =>
    run(async () => {
      const result = await change(dryRun);
      if (dryRun) setPreview(result);
      else onDone();
    });
  return { preview, setPreview, busy, error, call };
}

/** The dialog of a config change: its content, then the preview's diff. */
export function ConfigChangeDialog({
  title,
  busyLabel,
  confirmLabel,
  emptyText,
  change,
  onClose,
  children,
}: {
  title: string;
  busyLabel: string;
  confirmLabel: string;
  /** What the diff says when the change changes nothing. */
  emptyText: string;
  change: ReturnType<typeof useConfigChange>;
  onClose: () => void;
  children: ReactNode;
}) {
  const { preview, busy, error, call } = change;
  return (
    <ConfirmDialog
      {...{ title, busy, busyLabel, error, onClose }}
      maxWidth="md"
      actions={previewConfirmActions({ preview, confirmLabel, call })}
    >
      {children}
      {preview && (
        <DiffView diff={changesAsDiff(preview)} emptyText={emptyText} />
      )}
    </ConfirmDialog>
  );
}

function RestoreDialog({
  environment,
  component,
  version,
  onClose,
  onRestored,
}: {
  environment: string;
  component: string;
  version: Wire<ConfigVersion>;
  onClose: () => void;
  onRestored: () => void;
}) {
  const api = useApi(stagecraftApiRef);
  const change = useConfigChange(
    dryRun =>
      api.rollbackConfig({
        environment,
        component,
        version: version.version!,
        dryRun,
      }),
    onRestored,
  );
  return (
    <ConfigChangeDialog
      title={`Restore version ${version.version} in ${environment}?`}
      busyLabel="Restoring"
      confirmLabel="Restore"
      emptyText="No changes: the values are the same as now."
      change={change}
      onClose={onClose}
    >
      <Typography variant="body2" gutterBottom>
        Writes the values of version {version.version} (
        {version.message ?? 'no message'}) as a new version. The running
        workload takes them at its next deploy.
      </Typography>
    </ConfigChangeDialog>
  );
}

/** The versions of a component's values in an environment, each restorable. */
export function ConfigHistory({
  environment,
  component,
  history,
  update,
  onRestored,
}: {
  environment: string;
  component: string;
  history: Array<Wire<ConfigVersion>>;
  /** The backend's answer for `configUpdate`. */
  update: ActionAnswer;
  onRestored: () => void;
}) {
  const [restoring, setRestoring] = useState<Wire<ConfigVersion>>();
  return (
    <InfoCard title="History">
      {history.length ? (
        <Table size="small" aria-label="config history">
          <TableBody>
            {history.map((v, i) => (
              <TableRow key={`${v.scope}#${v.version}#${i}`}>
                <TableCell>v{v.version}</TableCell>
                <TableCell>
                  <Typography variant="body2">
                    {v.message ?? '(no message)'}
                  </Typography>
                  <Typography variant="caption" color="textSecondary">
                    {v.actor} <RelativeTime at={v.at} /> · changed{' '}
                    {asArray(v.changed).join(', ') || 'nothing'}
                  </Typography>
                </TableCell>
                <TableCell>
                  {i > 0 && v.version !== undefined && (
                    <PermissionButton
                      state={update}
                      deniedTitle={`You may not change configuration in ${environment}`}
                      label={`Restore version ${v.version}`}
                      onClick={() => setRestoring(v)}
                    >
                      Restore
                    </PermissionButton>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Typography variant="body2">No versions yet.</Typography>
      )}
      {restoring && (
        <RestoreDialog
          environment={environment}
          component={component}
          version={restoring}
          onClose={() => setRestoring(undefined)}
          onRestored={() => {
            setRestoring(undefined);
            onRestored();
          }}
        />
      )}
    </InfoCard>
  );
}
