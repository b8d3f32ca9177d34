import {
  InfoCard,
  Progress,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { parseEntityRef } from '@backstage/catalog-model';
import useAsync from 'react-use/esm/useAsync';
import {
  ANNOTATIONS,
  EnvironmentEntity,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';

function ClusterStatus({ cluster }: { cluster: string }) {
  const api = useApi(stagecraftApiRef);
  const { value, loading, error } = useAsync(() => api.getHealth(), [api]);
  if (loading) return <Progress />;
  if (error) {
    return (
      <Typography color="error" variant="body2">
        {cluster}: health unknown ({error.message})
      </Typography>
    );
  }
  const health = value?.clusters.find(c => c.name === cluster);
  if (!health) {
    return (
      <Typography color="error" variant="body2">
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
    <Typography color="error" variant="body2">
      {cluster}: unreachable ({health.error})
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

/** Overview of an Environment entity: tier, where it lives, who owns it. @public */
export function EnvironmentOverviewCard() {
  const { entity } = useEntity();
  const env = entity as unknown as EnvironmentEntity;
  const { spec } = env;
  // spec refs may omit kind and namespace; resolve them like the catalog does
  const ref = (target: string, defaultKind: string) => (
    <EntityRefLink
      entityRef={parseEntityRef(target, {
        defaultKind,
        defaultNamespace: env.metadata.namespace ?? 'default',
      })}
    />
  );
  const managed = env.metadata.annotations?.[ANNOTATIONS.managed] === 'true';
  const metadata: Record<string, unknown> = {
    tier: (
      <Chip
        size="small"
        label={spec.tier}
        color={spec.tier === 'production' ? 'secondary' : 'default'}
      />
    ),
    type: spec.type ?? spec.tier,
    cluster: <ClusterStatus cluster={spec.cluster} />,
    namespace: spec.namespace,
    owner: ref(spec.owner, 'group'),
    ...(spec.system && {
      system: ref(spec.system, 'system'),
    }),
    ...(spec.promotesTo && {
      'promotes to': ref(spec.promotesTo, 'environment'),
    }),
    ...(spec.expiresAt && { expires: expiry(spec.expiresAt, Date.now()) }),
    provisioning: managed ? 'managed by Stagecraft' : 'declared only',
  };
  return (
    <InfoCard title="Environment">
      <StructuredMetadataTable metadata={metadata} />
    </InfoCard>
  );
}
