import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  DeployObject,
  DeployResult,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { Wire } from '../../api/StagecraftApi';
import { asArray } from '../../api/wire';
import { DiffView } from '../common/DiffView';
import { KubernetesWarnings } from '../common/KubernetesWarnings';
import { HeadRow } from '../common/HeadRow';

const CHANGES: Record<DeployObject['change'], string> = {
  create: 'created',
  update: 'updated',
  unchanged: 'unchanged',
  'create-if-absent': 'created if absent (generated, never shown)',
};

/** What the deploy writes: every object, the resources' included. */
export function DeployObjects({
  objects,
}: {
  objects: Array<Wire<DeployObject>>;
}) {
  return (
    <Table size="small" aria-label="objects the deploy writes">
      <HeadRow columns={['Object', 'From', 'Change']} />
      <TableBody>
        {objects.map((o, i) => (
          <TableRow key={`${o?.kind}/${o?.name}/${i}`}>
            <TableCell>
              {o?.kind ?? 'object'}/{o?.name ?? '?'}
            </TableCell>
            <TableCell>
              {o?.source === 'workload'
                ? 'the workload'
                : o?.source?.replace(/^resource:/, 'resource ') ?? '—'}
            </TableCell>
            <TableCell>
              {(o?.change && CHANGES[o.change as DeployObject['change']]) ??
                o?.change ??
                '—'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * The dry run of a deploy, promotion or rollback: the release, whether it
 * only changes configuration (a deploy without an image keeps the running
 * images), the diff, and every object it would write.
 */
export function DeployPreview({
  preview,
  environment,
}: {
  preview: DeployResult;
  environment: string;
}) {
  const objects = asArray(preview.objects);
  return (
    <>
      <Typography variant="subtitle2" style={{ marginTop: 8 }}>
        Dry run: release {preview.release?.id ?? '?'} (
        {preview.release?.image ?? 'image unknown'})
      </Typography>
      {preview.configOnly && (
        <Alert severity="info" role="status" style={{ marginTop: 8 }}>
          Config-only rollout: {environment} keeps the images it runs
          {preview.release?.image ? ` (${preview.release.image})` : ''}; only
          the configuration and the rest of the workload change.
        </Alert>
      )}
      <KubernetesWarnings
        warnings={preview.warnings ?? preview.revision?.warnings}
      />
      <DiffView
        diff={preview.diff ?? ''}
        emptyText="No changes: the environment already runs this release."
      />
      {objects.length > 0 && <DeployObjects objects={objects} />}
    </>
  );
}
