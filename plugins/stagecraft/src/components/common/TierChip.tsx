import Chip, { ChipProps } from '@material-ui/core/Chip';

/**
 * A chip that stands out (production, waiting, drifted, expiring) and stays
 * readable: the theme's secondary colour has too little contrast with white
 * text (WCAG AA asks 4.5:1), this one has over 7:1.
 */
export function AttentionChip({
  label,
  ...rest
}: { label: React.ReactNode } & Omit<ChipProps, 'color' | 'size' | 'label'>) {
  return (
    <Chip
      size="small"
      label={label}
      {...rest}
      style={{ backgroundColor: '#ad1457', color: '#fff', ...rest.style }}
    />
  );
}

/** The tier of an environment (production stands out); nothing when unknown. */
export function TierChip({ tier }: { tier?: string }) {
  if (!tier) return null;
  return tier === 'production' ? (
    <AttentionChip label={tier} />
  ) : (
    <Chip size="small" label={tier} />
  );
}

/**
 * The colour of a problem told in text: the theme's error red has 3.7:1
 * against white, this one over 7:1 (WCAG AA asks 4.5:1).
 */
export const PROBLEM_TEXT: React.CSSProperties = { color: '#b71c1c' };
