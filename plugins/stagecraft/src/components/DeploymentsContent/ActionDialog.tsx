import { useCallback, useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type {
  ApprovalRequest,
  DeploymentRevision,
  DeployResult,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  DeployOutcome,
  isPending,
  stagecraftApiRef,
} from '../../api/StagecraftApi';
import { imageTag, relativeTime } from '../common/environments';
import { shortName, waitingText } from '../Approvals/text';
import { DeployPreview } from './DeployPreview';
import { ConfirmDialog, previewThenConfirm } from '../common/ConfirmDialog';

/** What the dialog does. */
export type DeploymentAction =
  | { kind: 'deploy'; environment: string; currentImage?: string }
  | {
      kind: 'promote';
      from: string;
      to: string;
      release?: string;
      image?: string;
    }
  | { kind: 'rollback'; environment: string; currentRevision?: number };

/** The environment an action changes. */
export const targetOf = (a: DeploymentAction) =>
  a.kind === 'promote' ? a.to : a.environment;

const titles = {
  deploy: (a: DeploymentAction) => `Deploy to ${targetOf(a)}`,
  promote: (a: DeploymentAction) =>
    a.kind === 'promote' ? `Promote ${a.from} → ${a.to}` : '',
  rollback: (a: DeploymentAction) => `Roll back ${targetOf(a)}`,
};

const confirmLabels = {
  deploy: 'Deploy',
  promote: 'Promote',
  rollback: 'Roll back',
};

function revisionLabel(r: DeploymentRevision) {
  return `#${r.revision} · ${imageTag(r.image)} · ${r.releaseId} · ${
    r.action
  } by ${r.actor.replace(/^user:default\//, '')} ${relativeTime(r.at)}`;
}

/**
 * Deploy, promote or roll back: choose, preview the server-side dry run's
 * diff, then confirm. Nothing is written before the confirmation. Into an
 * environment whose type requires approvals the confirmation makes an
 * approval request (202) instead of a rollout: the dialog says so and stays
 * until closed.
 */
export function ActionDialog({
  componentRef,
  action,
  onClose,
  onDone,
  onRequested,
}: {
  componentRef: string;
  action: DeploymentAction;
  onClose: () => void;
  onDone: (action: DeploymentAction, result: DeployResult) => void;
  onRequested?: (request: ApprovalRequest) => void;
}) {
  const api = useApi(stagecraftApiRef);
  const [image, setImage] = useState('');
  const [history, setHistory] = useState<DeploymentRevision[]>();
  const [revision, setRevision] = useState<number | ''>('');
  const [preview, setPreview] = useState<DeployResult>();
  const [requested, setRequested] = useState<ApprovalRequest>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();

  const run = useCallback(
    (dryRun: boolean): Promise<DeployOutcome> => {
      switch (action.kind) {
        case 'deploy':
          return api.deploy(componentRef, {
            environment: action.environment,
            ...(image.trim() && { image: image.trim() }),
            dryRun,
          });
        case 'promote':
          return api.promote(componentRef, {
            from: action.from,
            to: action.to,
            dryRun,
          });
        default:
          return api.rollback(componentRef, {
            environment: action.environment,
            ...(revision !== '' && { revision }),
            dryRun,
          });
      }
    },
    [api, action, componentRef, image, revision],
  );

  const doPreview = useCallback(async () => {
    setBusy(true);
    setError(undefined);
    try {
      const outcome = await run(true);
      if (isPending(outcome)) setRequested(outcome.pending);
      else setPreview(outcome);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  }, [run]);

  // rollback: the revisions to choose from (not the current one)
  useEffect(() => {
    if (action.kind !== 'rollback') return;
    api.getHistory(componentRef, action.environment).then(items => {
      // the newest revision runs now, even when the row that opened the
      // dialog has not seen it yet
      const currentRevision = Math.max(
        action.currentRevision ?? 0,
        ...items.map(r => r.revision),
      );
      const choices = items.filter(r => r.revision !== currentRevision);
      setHistory(choices);
      const current = items.find(r => r.revision === currentRevision);
      const previous = choices.find(r => r.releaseId !== current?.releaseId);
      if (previous) setRevision(previous.revision);
    }, setError);
  }, [api, action, componentRef]);

  // promote has nothing to choose: preview at once
  useEffect(() => {
    if (action.kind === 'promote') doPreview();
    // only when the dialog opens
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const outcome = await run(false);
      if (isPending(outcome)) {
        setRequested(outcome.pending);
        setBusy(false);
        onRequested?.(outcome.pending);
      } else {
        onDone(action, outcome);
      }
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };

  const changeInput = () => setPreview(undefined);

  return (
    <ConfirmDialog
      title={titles[action.kind](action)}
      busy={busy}
      error={error}
      onClose={onClose}
      done={!!requested}
      maxWidth="md"
      actions={previewThenConfirm({
        previewed: !!preview,
        onPreview: doPreview,
        // promote has nothing to choose: it previews at once
        autoPreview: action.kind === 'promote',
        canPreview: !(action.kind === 'rollback' && revision === ''),
        confirmLabel: confirmLabels[action.kind],
        onConfirm: confirm,
      })}
    >
      {action.kind === 'deploy' && (
        <TextField
          label="Image or tag"
          placeholder={action.currentImage ?? 'ghcr.io/acme/app:1.2.0'}
          helperText={
            action.currentImage
              ? `A tag (e.g. 1.0.1) replaces the tag of the workload's image. Empty: a config-only rollout that keeps the running image (${action.currentImage}).`
              : "A tag (e.g. 1.0.1) replaces the tag of the workload's image; empty deploys the workload file's image."
          }
          value={image}
          onChange={e => {
            setImage(e.target.value);
            changeInput();
          }}
          fullWidth
          margin="normal"
          inputProps={{ 'aria-label': 'Image or tag' }}
        />
      )}
      {action.kind === 'promote' && (
        <Typography variant="body2" gutterBottom>
          Deploys the exact release running in {action.from}
          {action.release
            ? ` (${action.release}, ${action.image})`
            : ''} to {action.to}.
        </Typography>
      )}
      {action.kind === 'rollback' && history && !history.length && (
        <Alert severity="info">
          There is no earlier revision of this component in {action.environment}{' '}
          to roll back to.
        </Alert>
      )}
      {action.kind === 'rollback' && !!history?.length && (
        <TextField
          select
          label="Revision"
          value={revision}
          onChange={e => {
            setRevision(Number(e.target.value));
            changeInput();
          }}
          fullWidth
          margin="normal"
          SelectProps={{ inputProps: { 'aria-label': 'Revision' } }}
        >
          {history.map(r => (
            <MenuItem key={r.revision} value={r.revision}>
              {revisionLabel(r)}
            </MenuItem>
          ))}
        </TextField>
      )}
      {requested && (
        <Alert severity="info" style={{ marginTop: 8 }} role="status">
          <AlertTitle>Approval requested</AlertTitle>
          {requested.environment} requires approval: nothing is deployed until
          then. {waitingText(requested)} (requested by{' '}
          {shortName(requested.requestedBy)}). It runs on approval, and the
          request stays visible on the component's Deployments tab and the
          environment's page.
        </Alert>
      )}
      {preview && !requested && (
        <DeployPreview preview={preview} environment={targetOf(action)} />
      )}
    </ConfirmDialog>
  );
}
