import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  catalogApiRef,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  ANNOTATIONS,
  RELATIONS,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  isPlaced,
  PlacedDeployment,
  stagecraftApiRef,
} from '../../api/StagecraftApi';
import { HealthStatus } from '../common/HealthStatus';
import { fullRef, imageTag } from '../common/environments';
import { HeadRow } from '../common/HeadRow';
import { RelativeTime } from '../common/RelativeTime';

/**
 * Components running in this environment. There is no per-environment
 * deployments endpoint, so it asks `GET /components/:ref/deployments` for the
 * components of the environment's system and those the catalog relates to it.
 */
export function EnvironmentWorkloadsCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const api = useApi(stagecraftApiRef);
  const name = entity.metadata.name;
  const system = fullRef(
    (entity.spec as { system?: string } | undefined)?.system,
    'system',
  );
  const state = useAsync(async () => {
    const related = (entity.relations ?? [])
      .filter(r => r.type === RELATIONS.hasDeployment)
      .map(r => r.targetRef);
    const inSystem = system
      ? (
          await catalogApi.getEntities({
            filter: { kind: 'component', 'spec.system': system.split('/')[1] },
          })
        ).items
          .filter(c => c.metadata.annotations?.[ANNOTATIONS.workload])
          .map(c => stringifyEntityRef(c))
      : [];
    const refs = [...new Set([...related, ...inSystem])].sort();
    const rows = await Promise.all(
      refs.map(async ref => ({
        ref,
        deployment: (await api.getDeployments(ref))
          .filter(isPlaced)
          .find(d => d.environment === name),
      })),
    );
    return rows.filter(
      (r): r is { ref: string; deployment: PlacedDeployment } => !!r.deployment,
    );
  }, [catalogApi, api, name, system]);

  let body: JSX.Element;
  if (state.loading) body = <Progress />;
  else if (state.error) body = <ResponseErrorPanel error={state.error} />;
  else if (!state.value?.length) {
    body = (
      <EmptyState
        missing="data"
        title="Nothing runs here yet"
        description={`Deploy a component to ${name} from its Deployments tab (it needs a stagecraft.io/workload annotation), or with the stagecraft:deploy template action.`}
      />
    );
  } else {
    body = (
      <Table size="small" aria-label="workloads">
        <HeadRow
          columns={[
            'Component',
            'Release',
            'Health',
            'Replicas',
            'Last deploy',
          ]}
        />
        <TableBody>
          {state.value.map(({ ref, deployment: d }) => (
            <TableRow key={ref}>
              <TableCell>
                <EntityRefLink entityRef={ref} />
              </TableCell>
              <TableCell>
                {d.revision ? imageTag(d.revision.image) : 'Not deployed'}
                <Typography
                  variant="caption"
                  color="textSecondary"
                  display="block"
                >
                  {d.revision?.releaseId}
                </Typography>
              </TableCell>
              <TableCell>
                <HealthStatus status={d.status} />
              </TableCell>
              <TableCell>
                {d.status?.replicas
                  ? `${d.status.replicas.ready ?? '?'}/${
                      d.status.replicas.desired ?? '?'
                    }`
                  : '—'}
              </TableCell>
              <TableCell>
                {d.revision ? (
                  <>
                    {d.revision.action ?? 'changed'} by{' '}
                    {d.revision.actor ?? 'someone'}{' '}
                    <RelativeTime at={d.revision.at} />
                  </>
                ) : (
                  '—'
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return <InfoCard title="Workloads running here">{body}</InfoCard>;
}
