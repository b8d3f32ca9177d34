import { EntityRefLink } from '@backstage/plugin-catalog-react';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import type { EnvironmentInfo } from '../common/environments';

/** The "All" choice of a filter. */
export const ALL = '';

export function FilterSelect({
  label,
  value,
  options,
  labelOf = o => o,
  onChange,
}: {
  label: string;
  value: string;
  options: string[];
  /** What a person reads for an option (a short name for an entity ref). */
  labelOf?: (option: string) => string;
  onChange: (v: string) => void;
}) {
  return (
    <TextField
      select
      label={label}
      value={value}
      onChange={e => onChange(e.target.value)}
      style={{ minWidth: 180 }}
      SelectProps={{ inputProps: { 'aria-label': label } }}
    >
      <MenuItem value={ALL}>All</MenuItem>
      {options.map(o => (
        <MenuItem key={o} value={o}>
          {labelOf(o)}
        </MenuItem>
      ))}
    </TextField>
  );
}

export const distinct = (values: Array<string | undefined>) =>
  [...new Set(values.filter((v): v is string => !!v))].sort();

export function EnvLink({ env }: { env: EnvironmentInfo }) {
  return env.entity ? (
    <EntityRefLink entityRef={`environment:default/${env.name}`}>
      {env.name}
    </EntityRefLink>
  ) : (
    <>{env.name}</>
  );
}
