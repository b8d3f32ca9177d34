import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { Environment } from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  EnvironmentInfo,
  orderByPipeline,
  refName,
} from '../common/environments';
import { RelativeTime } from '../common/RelativeTime';
import { useUrlState } from '../common/useUrlState';
import { TierChip } from '../common/TierChip';
import { ProvisionButton } from '../EnvironmentOperations';
import { ALL, distinct, EnvLink, FilterSelect } from './parts';
import { HeadRow } from '../common/HeadRow';

const SOON_MS = 24 * 3_600_000;

/**
 * Phase of a provisioned environment; a declared one that is not provisioned
 * yet says so and offers to provision it.
 */
function StatusCell({
  env,
  fresh,
  onProvisioned,
}: {
  env: EnvironmentInfo;
  fresh?: Environment;
  onProvisioned: (env: Environment) => void;
}) {
  const provisioned = env.provisioned ?? fresh;
  if (provisioned) return <>{provisioned.phase ?? 'Provisioned'}</>;
  return (
    <>
      <Typography variant="body2">Not provisioned</Typography>
      {env.entity && (
        <ProvisionButton
          name={env.name}
          onProvisioned={r => onProvisioned(r.environment)}
        />
      )}
    </>
  );
}

/** Every environment, filterable by owner, tier, cluster and expiry. */
export function EnvironmentsTable({
  environments,
}: {
  environments: EnvironmentInfo[];
}) {
  const [owner, setOwner] = useUrlState('owner', ALL);
  const [tier, setTier] = useUrlState('tier', ALL);
  const [cluster, setCluster] = useUrlState('cluster', ALL);
  const [expiringParam, setExpiringParam] = useUrlState('expiring');
  const expiring = expiringParam === 'true';
  const setExpiring = (v: boolean) => setExpiringParam(v ? 'true' : '');
  // provisioned from this page: shown without reloading the list
  const [fresh, setFresh] = useState<Record<string, Environment>>({});
  const now = Date.now();
  const shown = orderByPipeline(environments).filter(
    e =>
      (!owner || e.owner === owner) &&
      (!tier || e.tier === tier) &&
      (!cluster || e.cluster === cluster) &&
      (!expiring || (!!e.expiresAt && Date.parse(e.expiresAt) - now < SOON_MS)),
  );
  return (
    <InfoCard title={`Environments (${shown.length})`}>
      <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
        <FilterSelect
          label="Owner"
          value={owner}
          options={distinct(environments.map(e => e.owner))}
          labelOf={o => refName(o, 'group') ?? o}
          onChange={setOwner}
        />
        <FilterSelect
          label="Tier"
          value={tier}
          options={distinct(environments.map(e => e.tier))}
          onChange={setTier}
        />
        <FilterSelect
          label="Cluster"
          value={cluster}
          options={distinct(environments.map(e => e.cluster))}
          onChange={setCluster}
        />
        <FormControlLabel
          control={
            <Checkbox
              checked={expiring}
              onChange={e => setExpiring(e.target.checked)}
            />
          }
          label="Expiring within 24 h"
        />
      </Box>
      {shown.length ? (
        <Table size="small" aria-label="environments">
          <HeadRow
            columns={[
              'Name',
              'Tier',
              'Cluster / namespace',
              'Owner',
              'System',
              'Status',
              'Expires',
            ]}
          />
          <TableBody>
            {shown.map(e => (
              <TableRow key={e.name}>
                <TableCell>
                  <EnvLink env={e} />
                </TableCell>
                <TableCell>
                  <TierChip tier={e.tier} />
                </TableCell>
                <TableCell>
                  {e.cluster ?? '—'} / {e.namespace ?? '—'}
                </TableCell>
                <TableCell>
                  {e.owner ? <EntityRefLink entityRef={e.owner} /> : '—'}
                </TableCell>
                <TableCell>
                  {e.system ? <EntityRefLink entityRef={e.system} /> : '—'}
                </TableCell>
                <TableCell>
                  <StatusCell
                    env={e}
                    fresh={fresh[e.name]}
                    onProvisioned={env =>
                      setFresh(f => ({ ...f, [e.name]: env }))
                    }
                  />
                </TableCell>
                <TableCell>
                  {e.expiresAt ? <RelativeTime at={e.expiresAt} /> : '—'}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Typography variant="body2">
          No environment matches these filters.
        </Typography>
      )}
    </InfoCard>
  );
}
