import { useMemo, useReducer, useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import Tab from '@material-ui/core/Tab';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Tabs from '@material-ui/core/Tabs';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  ANNOTATIONS,
  ConfigValue,
  configUpdatePermission,
  EffectiveConfig,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  asArray,
  isPlaced,
  stagecraftApiRef,
  Wire,
} from '../../api/StagecraftApi';
import { PermissionButton } from '../common/PermissionButton';
import { answerOf, useComponentActions } from '../common/useActions';
import {
  ConfigChangeDialog,
  ConfigHistory,
  useConfigChange,
  versionLabel,
} from './ConfigHistory';
import { fullRef, orderByPipeline } from '../common/environments';
import { useEnvironments } from '../common/useEnvironments';
import { NoWorkloadEmptyState } from '../DeploymentsContent';
import { statusOf } from '../common/format';
import { HeadRow } from '../common/HeadRow';
import { RelativeTime } from '../common/RelativeTime';

const show = (v: ConfigValue | undefined) =>
  typeof v === 'string' ? v : JSON.stringify(v);

/** Text typed in the editor → a typed value (numbers, booleans, JSON stay typed). */
function parse(text: string): ConfigValue {
  const t = text.trim();
  if (/^(-?\d+(\.\d+)?|true|false|null|[[{].*)$/s.test(t)) {
    try {
      return JSON.parse(t) as ConfigValue;
    } catch {
      return text;
    }
  }
  return text;
}

function layerOf(config: Wire<EffectiveConfig>, key: string) {
  for (const layer of [...(config.layers ?? [])].reverse()) {
    if (layer?.values && key in layer.values) return layer.layer ?? '';
  }
  return '';
}

function EditDialog({
  environment,
  component,
  current,
  onClose,
  onSaved,
}: {
  environment: string;
  component: string;
  current: Record<string, ConfigValue>;
  onClose: () => void;
  onSaved: () => void;
}) {
  const api = useApi(stagecraftApiRef);
  const [rows, setRows] = useState(
    Object.entries(current).map(([key, v]) => ({ key, value: show(v) })),
  );
  const [message, setMessage] = useState('');
  const values = () => {
    const out: Record<string, ConfigValue> = {};
    for (const k of Object.keys(current)) out[k] = null; // removed unless kept
    for (const r of rows) if (r.key.trim()) out[r.key.trim()] = parse(r.value);
    return out;
  };
  const change = useConfigChange(
    dryRun =>
      api.setConfig({
        environment,
        component,
        values: values(),
        ...(message && { message }),
        dryRun,
      }),
    onSaved,
  );
  const edit = (i: number, field: 'key' | 'value', v: string) => {
    change.setPreview(undefined);
    setRows(rs => rs.map((r, j) => (j === i ? { ...r, [field]: v } : r)));
  };
  return (
    <ConfigChangeDialog
      title={`Edit configuration in ${environment}`}
      busyLabel="Saving"
      confirmLabel="Save"
      emptyText="No changes: the effective values stay the same."
      change={change}
      onClose={onClose}
    >
      <Typography variant="body2" gutterBottom>
        Values of this component in {environment}. They reach the pods with the
        next deploy. Secrets are not edited here.
      </Typography>
      {rows.map((r, i) => (
        <Grid container spacing={1} key={i} alignItems="center">
          {(
            [
              ['key', 4, 'KEY', `key ${i + 1}`],
              ['value', 7, 'value', `value of ${r.key || i + 1}`],
            ] as const
          ).map(([field, xs, placeholder, label]) => (
            <Grid item xs={xs} key={field}>
              <TextField
                fullWidth
                value={r[field]}
                placeholder={placeholder}
                onChange={e => edit(i, field, e.target.value)}
                inputProps={{ 'aria-label': label }}
              />
            </Grid>
          ))}
          <Grid item xs={1}>
            <IconButton
              size="small"
              aria-label={`remove ${r.key}`}
              onClick={() => {
                change.setPreview(undefined);
                setRows(rs => rs.filter((_, j) => j !== i));
              }}
            >
              ×
            </IconButton>
          </Grid>
        </Grid>
      ))}
      <Button
        size="small"
        onClick={() => setRows(rs => [...rs, { key: '', value: '' }])}
      >
        Add key
      </Button>
      <TextField
        fullWidth
        margin="normal"
        id="config-change-why"
        label="Why (recorded with the version)"
        value={message}
        onChange={e => setMessage(e.target.value)}
      />
    </ConfigChangeDialog>
  );
}

/** Effective values, history and secret keys of a component in one environment. */
export function EnvironmentConfig({
  environment,
  component,
  provisioned,
}: {
  environment: string;
  component: string;
  /** Whether Stagecraft has provisioned the environment (a 404 then is a real error). */
  provisioned: boolean;
}) {
  const api = useApi(stagecraftApiRef);
  const [editing, setEditing] = useState(false);
  // asked again after each change made here
  const [changes, changed] = useReducer((n: number) => n + 1, 0);
  const actions = useComponentActions(
    component,
    [environment],
    String(changes),
  );
  const update = answerOf(actions[environment], 'configUpdate');
  const state = useAsyncRetry(async () => {
    const [config, history, secrets] = await Promise.all([
      api.getConfig(environment, component),
      api.getConfigHistory(environment, component),
      api.listSecrets(environment, component),
    ]);
    return { config, history, secrets };
  }, [api, environment, component]);

  if (state.loading) return <Progress />;
  if (statusOf(state.error) === 404 && !provisioned) {
    return (
      <EmptyState
        missing="data"
        title={`${environment} is not provisioned yet`}
        description={`Configuration lives in a provisioned environment. Provision ${environment} from its Environment page (the Provision button), then set values here.`}
      />
    );
  }
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  // the backend may leave out any field: render what there is
  const config: Wire<EffectiveConfig> = state.value?.config ?? {};
  const history = asArray(state.value?.history);
  const secrets = asArray(state.value?.secrets);
  const componentLayer = (config.layers ?? []).find(
    l => l?.layer === 'component',
  )?.values as Record<string, ConfigValue> | undefined;
  const values = (config.values ?? {}) as Record<string, ConfigValue>;
  const keys = Object.keys(values).sort();

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={7}>
        <InfoCard
          title={
            config.version
              ? `Effective configuration (${versionLabel(config.version)})`
              : 'Effective configuration'
          }
          action={
            <PermissionButton
              state={update}
              access={{
                permission: configUpdatePermission,
                resourceRef: environment,
              }}
              deniedTitle={`You may not change configuration in ${environment}`}
              label="Edit"
              variant="outlined"
              color="primary"
              onClick={() => setEditing(true)}
            >
              Edit
            </PermissionButton>
          }
        >
          {keys.length ? (
            <Table size="small" aria-label="effective configuration">
              <HeadRow columns={['Key', 'Value', 'From']} />
              <TableBody>
                {keys.map(k => (
                  <TableRow key={k}>
                    <TableCell>{k}</TableCell>
                    <TableCell>{show(values[k])}</TableCell>
                    <TableCell>{layerOf(config, k)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : (
            <Typography variant="body2">
              No values set in {environment}. Use Edit to add one; the workload
              spec's own variables still apply.
            </Typography>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={5}>
        <InfoCard title="Secrets">
          {secrets.length ? (
            <Table size="small" aria-label="secrets">
              <HeadRow columns={['Key', 'Version', 'Updated']} />
              <TableBody>
                {secrets.map((s, i) => (
                  <TableRow key={`${s.key}#${i}`}>
                    <TableCell>{s.key}</TableCell>
                    <TableCell>v{s.version}</TableCell>
                    <TableCell>
                      {s.updatedBy} <RelativeTime at={s.updatedAt} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : (
            <Typography variant="body2">
              No secrets. Set one with PUT /api/stagecraft/secrets or the
              stagecraft:config:set template action; values are write-only and
              never shown.
            </Typography>
          )}
        </InfoCard>
        <Box mt={3}>
          <ConfigHistory
            environment={environment}
            component={component}
            history={history}
            update={update}
            onRestored={state.retry}
          />
        </Box>
      </Grid>
      {editing && (
        <EditDialog
          environment={environment}
          component={component}
          current={componentLayer ?? {}}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            changed();
            state.retry();
          }}
        />
      )}
    </Grid>
  );
}

/** Entity content "Config" of a Component. @public */
export function ConfigContent() {
  const { entity } = useEntity();
  const environments = useEnvironments();
  const system = fullRef(
    (entity.spec as { system?: string } | undefined)?.system,
    'system',
  );
  const componentRef = stringifyEntityRef(entity);
  const api = useApi(stagecraftApiRef);
  // every environment it runs in, with a system or not (a template's own -dev)
  const deployed = useAsync(
    async () =>
      new Set(
        (await api.getDeployments(componentRef).catch(() => []))
          .filter(isPlaced)
          .map(d => d.environment),
      ),
    [api, componentRef],
  );
  const envs = useMemo(
    () =>
      orderByPipeline(
        (environments.value ?? []).filter(
          e => (system && e.system === system) || deployed.value?.has(e.name),
        ),
      ),
    [environments.value, system, deployed.value],
  );
  const [selected, setSelected] = useState(0);
  if (!entity.metadata.annotations?.[ANNOTATIONS.workload]) {
    return <NoWorkloadEmptyState />;
  }
  if (environments.loading || deployed.loading) return <Progress />;
  if (environments.error) {
    return <ResponseErrorPanel error={environments.error} />;
  }
  if (!envs.length) {
    return (
      <EmptyState
        missing="data"
        title="No environments to configure"
        description={`Configuration is per environment. Create an environment for ${
          system ?? 'this component’s system (set spec.system first)'
        } with the Stagecraft environment template.`}
      />
    );
  }
  const env = envs[Math.min(selected, envs.length - 1)];
  return (
    <>
      <Tabs
        value={Math.min(selected, envs.length - 1)}
        onChange={(_, v) => setSelected(v)}
        indicatorColor="primary"
        style={{ marginBottom: 16 }}
      >
        {envs.map(e => (
          <Tab key={e.name} label={e.name} />
        ))}
      </Tabs>
      <EnvironmentConfig
        key={env.name}
        environment={env.name}
        component={componentRef}
        provisioned={!!env.provisioned}
      />
    </>
  );
}
