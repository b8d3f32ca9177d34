import Chip from '@material-ui/core/Chip';

/** The tier of an environment (production stands out); nothing when unknown. */
export function TierChip({ tier }: { tier?: string }) {
  if (!tier) return null;
  return (
    <Chip
      size="small"
      label={tier}
      color={tier === 'production' ? 'secondary' : 'default'}
    />
  );
}
