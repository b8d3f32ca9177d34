import { ReactNode, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import IconButton from '@material-ui/core/IconButton';
import MenuItem from '@material-ui/core/MenuItem';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import CloseIcon from '@material-ui/icons/Close';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { LogSourcePod } from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import { Busy } from '../common/Busy';
import { ErrorAlert } from '../common/ErrorAlert';
import { messageOf, statusOf } from '../common/format';
import { LogLines, matching } from './LogLines';
import { LogSelection, TAIL_LINES, useLogs } from './useLogs';

const ALL = '';

/** A select of the toolbar: `all` (every pod or container), then `children`. */
function LogSelect({
  label,
  all,
  minWidth,
  value,
  onChange,
  children,
}: {
  label: string;
  all: string;
  minWidth: number;
  value: string;
  onChange: (value: string | undefined) => void;
  children: ReactNode;
}) {
  return (
    <TextField
      select
      label={label}
      InputLabelProps={{ shrink: true }}
      SelectProps={{
        displayEmpty: true,
        inputProps: { 'aria-label': label },
      }}
      size="small"
      variant="outlined"
      style={{ minWidth }}
      value={value}
      onChange={e => onChange(e.target.value || undefined)}
    >
      <MenuItem value={ALL}>{all}</MenuItem>
      {children}
    </TextField>
  );
}

/** The names of the containers of `pod`, or of every pod. */
function containersOf(pods: LogSourcePod[], pod: string) {
  const names = new Map<string, boolean>();
  for (const p of pods) {
    if (pod && p.name !== pod) continue;
    for (const c of p.containers ?? []) names.set(c.name, !!c.init);
  }
  return [...names.entries()];
}

/** The error of a log read, as what the user can do about it. */
function LogsError({
  error,
  environment,
  onRetry,
}: {
  error: Error;
  environment: string;
  onRetry: () => void;
}) {
  const status = statusOf(error);
  if (status === 403) {
    return (
      <Alert severity="warning">
        <AlertTitle>You may not read logs in {environment}</AlertTitle>
        {messageOf(error)}
      </Alert>
    );
  }
  if (status === 503) {
    return (
      <Alert
        severity="error"
        action={
          <Button color="inherit" size="small" onClick={onRetry}>
            Retry
          </Button>
        }
      >
        <AlertTitle>The cluster of {environment} is unavailable</AlertTitle>
        {messageOf(error)}
      </Alert>
    );
  }
  return (
    <Box>
      <ErrorAlert error={error} />
      <Button size="small" onClick={onRetry}>
        Retry
      </Button>
    </Box>
  );
}

/** Triggers the browser's download of `blob` as `name`. */
function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * The logs of a component in one environment, full screen: all pods of the
 * current release merged (pod name on each line) or one pod/container,
 * followed live or read once, the previous container, search, wrap and
 * download. Works in both frontend systems (no route of its own).
 *
 * @public
 */
export function LogsDialog({
  componentRef,
  environment,
  onClose,
}: {
  componentRef: string;
  environment: string;
  onClose: () => void;
}) {
  const api = useApi(stagecraftApiRef);
  const [selection, setSelection] = useState<LogSelection>({
    previous: false,
    follow: true,
  });
  const [search, setSearch] = useState('');
  const [wrap, setWrap] = useState(true);
  const [download, setDownload] = useState<'idle' | 'busy' | Error>('idle');
  const logs = useLogs(componentRef, environment, selection);
  const pod = selection.pod ?? ALL;
  const containers = containersOf(logs.pods, pod);
  const shown = matching(logs.lines, search);
  const name = parseEntityRef(componentRef).name;
  const select = (patch: Partial<LogSelection>) =>
    setSelection(s => ({ ...s, ...patch }));

  const onDownload = async () => {
    setDownload('busy');
    try {
      const blob = await api.downloadLogs(componentRef, {
        environment,
        pod: selection.pod,
        container: selection.container,
        previous: selection.previous || undefined,
      });
      save(blob, `${name}-${environment}${pod ? `-${pod}` : ''}.log`);
      setDownload('idle');
    } catch (e) {
      setDownload(e as Error);
    }
  };

  const STATUS: Partial<Record<typeof logs.state, string>> = {
    following: 'Live',
    ended: 'Stream ended',
  };
  const status = STATUS[logs.state];
  let empty = 'No log lines.';
  if (logs.follow) {
    empty = `No lines in the last ${TAIL_LINES} yet; new lines appear here as the containers write them.`;
  } else if (selection.previous) {
    empty =
      'The previous container wrote no lines (or there is no previous container).';
  }

  return (
    <Dialog open fullScreen onClose={onClose} aria-labelledby="logs-title">
      <DialogTitle id="logs-title" disableTypography>
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          <Typography variant="h6" component="h2" style={{ flex: 1 }}>
            Logs of {name} in {environment}
          </Typography>
          {status && (
            <Chip
              size="small"
              color={logs.state === 'following' ? 'primary' : 'default'}
              label={status}
            />
          )}
          <IconButton aria-label="Close logs" onClick={onClose}>
            <CloseIcon />
          </IconButton>
        </Box>
      </DialogTitle>
      <DialogContent
        style={{ display: 'flex', flexDirection: 'column', gap: 8 }}
      >
        <Box
          display="flex"
          flexWrap="wrap"
          alignItems="center"
          style={{ gap: 16 }}
        >
          <LogSelect
            label="Pod"
            all="All pods"
            minWidth={220}
            value={pod}
            onChange={p => select({ pod: p, container: undefined })}
          >
            {logs.pods.map(p => (
              <MenuItem key={p.name} value={p.name}>
                {p.name} ({p.phase}
                {p.current ? '' : ', earlier release'})
              </MenuItem>
            ))}
          </LogSelect>
          <LogSelect
            label="Container"
            all="All containers"
            minWidth={160}
            value={selection.container ?? ALL}
            onChange={container => select({ container })}
          >
            {containers.map(([c, init]) => (
              <MenuItem key={c} value={c}>
                {c}
                {init ? ' (init)' : ''}
              </MenuItem>
            ))}
          </LogSelect>
          <FormControlLabel
            control={
              <Switch
                checked={logs.follow}
                disabled={selection.previous}
                onChange={(_, follow) => select({ follow })}
                color="primary"
              />
            }
            label="Follow"
          />
          <FormControlLabel
            control={
              <Switch
                checked={selection.previous}
                onChange={(_, previous) => select({ previous })}
              />
            }
            label="Previous container"
          />
          <FormControlLabel
            control={<Switch checked={wrap} onChange={(_, w) => setWrap(w)} />}
            label="Wrap lines"
          />
          <TextField
            id="stagecraft-logs-search"
            label="Search shown lines"
            size="small"
            variant="outlined"
            value={search}
            onChange={e => setSearch(e.target.value)}
            helperText={
              search.trim()
                ? `${shown.length} of ${logs.lines.length} lines match`
                : undefined
            }
          />
          <Button
            variant="outlined"
            onClick={onDownload}
            disabled={download === 'busy'}
          >
            Download
          </Button>
        </Box>
        {download instanceof Error && <ErrorAlert error={download} />}
        {logs.notices.map((n, i) => (
          <Alert key={i} severity="info" role="status">
            {n}
          </Alert>
        ))}
        {logs.error && (
          <LogsError
            error={logs.error}
            environment={environment}
            onRetry={logs.retry}
          />
        )}
        {logs.state === 'loading' && <Busy label="Reading logs" />}
        {logs.state !== 'loading' && !logs.error && !logs.lines.length && (
          <Typography color="textSecondary">{empty}</Typography>
        )}
        {logs.lines.length > 0 && (
          <LogLines
            lines={shown}
            search={search}
            wrap={wrap}
            showPod={!selection.pod}
          />
        )}
      </DialogContent>
    </Dialog>
  );
}
