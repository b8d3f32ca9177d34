import LinearProgress from '@material-ui/core/LinearProgress';

/** A progress bar that says what is under way (a progressbar needs a name). */
export function Busy({ label }: { label: string }) {
  return <LinearProgress aria-label={label} />;
}
