import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { asArray } from '../../api/wire';

/**
 * What the API server warned about on a (dry-run) write — a deploy, an
 * environment's provisioning: deprecated APIs, Pod Security warn/audit levels. Nothing when it said nothing.
 */
export function KubernetesWarnings({
  warnings,
}: {
  warnings: unknown[] | null | undefined;
}) {
  const items = asArray(warnings).filter(
    (w): w is string => typeof w === 'string',
  );
  if (!items.length) return null;
  return (
    <Alert severity="warning" style={{ marginTop: 8 }}>
      <Typography variant="subtitle2">The cluster warns</Typography>
      <ul aria-label="cluster warnings" style={{ margin: 0, paddingLeft: 16 }}>
        {items.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ul>
    </Alert>
  );
}
