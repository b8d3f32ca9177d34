import { useState } from 'react';
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
export function previewConfirmActions({
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
  const [preview, setPreview] = useState<ConfigChange>();
  const { busy, error, run } = useBusy();
  const call = (dryRun: boolean) =>
    run(async () => {
      const result = await api.rollbackConfig({
        environment,
        component,
        version: version.version!,
        dryRun,
      });
      if (dryRun) setPreview(result);
      else onRestored();
    });
  return (
    <ConfirmDialog
      title={`Restore version ${version.version} in ${environment}?`}
      busy={busy}
      busyLabel="Restoring"
      error={error}
      onClose={onClose}
      maxWidth="md"
      actions={previewConfirmActions({
        preview,
        confirmLabel: 'Restore',
        call,
      })}
    >
      <Typography variant="body2" gutterBottom>
        Writes the values of version {version.version} (
        {version.message ?? 'no message'}) as a new version. The running
        workload takes them at its next deploy.
      </Typography>
      {preview && (
        <DiffView
          diff={changesAsDiff(preview)}
          emptyText="No changes: the values are the same as now."
        />
      )}
    </ConfirmDialog>
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
