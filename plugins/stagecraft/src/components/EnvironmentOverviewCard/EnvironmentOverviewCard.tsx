import {
  InfoCard,
  Progress,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useEffect, useReducer, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { parseEntityRef } from '@backstage/catalog-model';
import useAsync from 'react-use/esm/useAsync';
import {
  ANNOTATIONS,
  Environment,
  EnvironmentEntity,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  asArray,
  ProvisionResult,
  stagecraftApiRef,
} from '../../api/StagecraftApi';
import { answerOf, useEnvironmentActions } from '../common/useActions';
import { messageOf, statusOf } from '../common/format';
import { AttentionChip, PROBLEM_TEXT, TierChip } from '../common/TierChip';
import { clusterProblemText } from '../common/ClusterProblems';
import { KubernetesWarnings } from '../common/KubernetesWarnings';
import { DeleteEnvironmentButton, ExtendButton } from './EnvironmentActions';
import {
  CloneButton,
  PauseResumeButtons,
  ProvisionButton,
  TeardownButton,
} from '../EnvironmentOperations';

/** Tiers whose environments may be paused (scaled to zero) and resumed. */
const PAUSABLE_TIERS = ['preview', 'development'];

function ClusterStatus({ cluster }: { cluster: string }) {
  const api = useApi(stagecraftApiRef);
  const { value, loading, error } = useAsync(() => api.getHealth(), [api]);
  if (loading) return <Progress />;
  if (error) {
    return (
      <Typography style={PROBLEM_TEXT} variant="body2">
        {cluster}: health unknown ({error.message})
      </Typography>
    );
  }
  const health = value?.clusters.find(c => c.name === cluster);
  if (!health) {
    return (
      <Typography style={PROBLEM_TEXT} variant="body2">
        {cluster}: not configured in Stagecraft (ask a platform engineer to add
        it under kubernetes.clusterLocatorMethods)
      </Typography>
    );
  }
  return health.reachable ? (
    <span>
      {cluster} <Chip size="small" label={`reachable · ${health.version}`} />
    </span>
  ) : (
    <Typography style={PROBLEM_TEXT} variant="body2" role="alert">
      {clusterProblemText(
        cluster,
        health.error ?? '',
        e => `unreachable${e && ` (${e})`}`,
      )}
    </Typography>
  );
}

function expiry(expiresAt: string, now: number) {
  const ms = Date.parse(expiresAt) - now;
  const hours = Math.round(Math.abs(ms) / 36e5);
  const span = hours >= 48 ? `${Math.round(hours / 24)} days` : `${hours} h`;
  return ms >= 0
    ? `${expiresAt} (in ${span})`
    : `${expiresAt} (expired ${span} ago)`;
}

/** h:mm:ss until expiry, ticking every second (a clock, not a request). */
function Countdown({ expiresAt }: { expiresAt: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const ms = Date.parse(expiresAt) - now;
  if (ms <= 0) {
    return (
      <Typography variant="body2" style={PROBLEM_TEXT}>
        {expiry(expiresAt, now)} — the reaper deletes it at its next run
      </Typography>
    );
  }
  const s = Math.floor(ms / 1000);
  const days = Math.floor(s / 86400);
  const hms = [
    Math.floor((s % 86400) / 3600),
    Math.floor((s % 3600) / 60),
    s % 60,
  ]
    .map(n => String(n).padStart(2, '0'))
    .join(':');
  return (
    <span>
      {expiry(expiresAt, now)}{' '}
      {ms < 24 * 36e5 ? (
        <AttentionChip label={`${hms} left`} />
      ) : (
        <Chip size="small" label={`${days ? `${days}d ` : ''}${hms} left`} />
      )}
    </span>
  );
}

function useProvisioning(name: string, annotatedTaskId?: string) {
  const api = useApi(stagecraftApiRef);
  const [env, setEnv] = useState<Environment>();
  const [provisioned, setProvisioned] = useState<ProvisionResult>();
  const state = useAsync(async () => {
    const e = await api.getEnvironment(name);
    setEnv(e);
    return e;
  }, [api, name]);
  // asked again after every change made here, and when the phase or expiry moves
  const [changes, changed] = useReducer((n: number) => n + 1, 0);
  const actions = useEnvironmentActions(
    name,
    `${env?.phase}:${env?.expiresAt}:${changes}`,
  );
  const answer = (action: string) => answerOf(actions, action);
  const reply = actions instanceof Error ? undefined : actions;
  const workloads = asArray(reply?.workloads);
  const paused = workloads.length > 0 && workloads.every(w => w?.paused);
  if (!env && state.loading) {
    return {
      env: undefined,
      actions: undefined,
      rows: { status: <Progress /> },
    };
  }
  if (!env && statusOf(state.error) === 404) {
    return {
      env: undefined,
      actions: (
        <ProvisionButton
          name={name}
          state={answer('provision')}
          onProvisioned={r => {
            setProvisioned(r);
            setEnv(r.environment);
          }}
        />
      ),
      rows: {
        provisioning:
          'declared only — not provisioned yet: Provision creates it from this declaration (or use the Stagecraft environment template, or POST /api/stagecraft/environments/{name}/provision)',
      },
    };
  }
  if (!env) {
    return {
      env: undefined,
      actions: undefined,
      rows: {
        status: (
          <Typography style={PROBLEM_TEXT} variant="body2">
            status unknown ({messageOf(state.error)})
          </Typography>
        ),
      },
    };
  }
  return {
    env,
    rows: {
      ...(provisioned && {
        provisioned: provisioned.created
          ? 'just now, from this declaration'
          : 'already, with this spec',
      }),
      phase: (
        <span>
          <Chip
            size="small"
            label={
              paused && env.phase === 'Ready'
                ? 'Paused'
                : env.phase ?? 'phase unknown'
            }
            color={env.phase === 'Ready' && !paused ? 'primary' : 'default'}
          />
          {paused && (
            <Typography variant="caption" display="block">
              Every component is scaled to zero; Resume gives their replicas
              back.
            </Typography>
          )}
          {env.message && (
            <Typography variant="caption" display="block">
              {env.message}
            </Typography>
          )}
          <KubernetesWarnings warnings={env.warnings} />
        </span>
      ),
      ...(env.expiresAt && {
        expires: (
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <Countdown expiresAt={env.expiresAt} />
            <ExtendButton
              name={name}
              state={answer('extend')}
              maxTtl={reply?.maxTtl}
              onExtended={e => {
                setEnv(e);
                changed();
              }}
            />
          </Box>
        ),
      }),
      quota: env.quota
        ? `limit ${env.quota.cpu ?? '?'} CPU · ${
            env.quota.memory ?? '?'
          } memory · ${env.quota.pods ?? '?'} pods (usage: see Resource usage)`
        : 'not reported',
    },
    actions: (
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        style={{ gap: 8 }}
      >
        <CloneButton env={env} />
        {!!env.tier && PAUSABLE_TIERS.includes(env.tier) && (
          <PauseResumeButtons
            name={name}
            pause={answer('pause')}
            resume={answer('resume')}
            onChanged={changed}
          />
        )}
        {(env.origin?.taskId ?? annotatedTaskId) && (
          <TeardownButton
            name={name}
            taskId={(env.origin?.taskId ?? annotatedTaskId)!}
            state={answer('delete')}
          />
        )}
        <DeleteEnvironmentButton
          env={env}
          state={answer('delete')}
          onDeleted={() => {
            // the namespace goes away in the background: the phase says so now
            setEnv(e => e && { ...e, phase: 'Deleting' });
            changed();
          }}
        />
      </Box>
    ),
  };
}

/** Overview of an Environment entity: tier, where it lives, who owns it. @public */
export function EnvironmentOverviewCard() {
  const { entity } = useEntity();
  const env = entity as unknown as EnvironmentEntity;
  // the catalog validates the spec, but a card shows whatever it is given
  const spec: Partial<EnvironmentEntity['spec']> = env.spec ?? {};
  // spec refs may omit kind and namespace; resolve them like the catalog does
  const ref = (target: string | undefined, defaultKind: string) => {
    if (!target) return '—';
    try {
      return (
        <EntityRefLink
          entityRef={parseEntityRef(target, {
            defaultKind,
            defaultNamespace: env.metadata.namespace ?? 'default',
          })}
        />
      );
    } catch {
      return target;
    }
  };
  const managed = env.metadata.annotations?.[ANNOTATIONS.managed] === 'true';
  const p = useProvisioning(
    env.metadata.name,
    env.metadata.annotations?.[ANNOTATIONS.scaffolderTask],
  );
  const metadata: Record<string, unknown> = {
    tier: spec.tier ? <TierChip tier={spec.tier} /> : 'not declared',
    type: spec.type ?? spec.tier ?? '—',
    cluster: spec.cluster ? <ClusterStatus cluster={spec.cluster} /> : '—',
    namespace: spec.namespace ?? '—',
    owner: ref(spec.owner, 'group'),
    ...(spec.system && {
      system: ref(spec.system, 'system'),
    }),
    ...(spec.promotesTo && {
      'promotes to': ref(spec.promotesTo, 'environment'),
    }),
  };
  return (
    <InfoCard title="Environment">
      <StructuredMetadataTable
        metadata={{
          ...metadata,
          ...(spec.expiresAt &&
            !p.env && { expires: <Countdown expiresAt={spec.expiresAt} /> }),
          provisioning:
            managed || p.env ? 'managed by Stagecraft' : 'declared only',
          ...p.rows,
        }}
      />
      {p.actions && <Box mt={2}>{p.actions}</Box>}
    </InfoCard>
  );
}
