import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { percentOf } from '../common/format';

/** "requests 500m of 4 cores (13%)" with a bar; red from 90 %. */
export function UsageBar({
  label,
  used,
  quota,
  format,
}: {
  label: string;
  used: number;
  quota: number;
  format: (n: number) => string;
}) {
  const pct = percentOf(used, quota);
  return (
    <Box mb={1}>
      <Typography variant="caption" display="block">
        {label}: {format(used)} of {quota ? format(quota) : 'no quota'}
        {quota ? ` (${pct}%)` : ''}
      </Typography>
      <LinearProgress
        variant="determinate"
        value={pct}
        color={pct >= 90 ? 'secondary' : 'primary'}
        aria-label={`${label} of quota`}
      />
    </Box>
  );
}
