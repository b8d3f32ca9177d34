import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { ClusterEventsView } from './ClusterEventsTable';

/** The element id of the Deployments tab's events card (what a failed row links to). */
export const COMPONENT_EVENTS_ID = 'stagecraft-component-events';

/**
 * The Kubernetes events of a component in one of its environments, with a
 * picker of the environments (the Deployments tab's rows).
 */
export function ComponentEventsCard({
  componentRef,
  environments,
  environment,
  onEnvironment,
}: {
  componentRef: string;
  environments: string[];
  environment?: string;
  onEnvironment: (name: string) => void;
}) {
  const picker = (
    <TextField
      select
      size="small"
      label="Environment"
      SelectProps={{ inputProps: { 'aria-label': 'Events of environment' } }}
      variant="outlined"
      style={{ minWidth: 200, marginTop: 8 }}
      value={environment ?? ''}
      onChange={e => onEnvironment(e.target.value)}
    >
      {environments.map(e => (
        <MenuItem key={e} value={e}>
          {e}
        </MenuItem>
      ))}
    </TextField>
  );
  return (
    <ClusterEventsView
      id={COMPONENT_EVENTS_ID}
      environment={environment}
      component={componentRef}
      title={environment ? `Events in ${environment}` : 'Events'}
      action={picker}
    />
  );
}
