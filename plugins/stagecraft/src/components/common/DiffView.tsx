import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';

const useStyles = makeStyles(theme => ({
  pre: {
    fontFamily: 'monospace',
    fontSize: theme.typography.pxToRem(12),
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1),
    maxHeight: 360,
    overflow: 'auto',
    margin: 0,
  },
  add: { color: theme.palette.success.main },
  del: { color: theme.palette.error.main },
  hunk: { color: theme.palette.info.main },
}));

/** A unified diff, coloured with the theme (readable in light and dark). */
export function DiffView({
  diff,
  emptyText = 'No changes: the cluster already matches.',
}: {
  diff: string;
  emptyText?: string;
}) {
  const classes = useStyles();
  if (!diff.trim()) {
    return <Typography variant="body2">{emptyText}</Typography>;
  }
  return (
    <pre className={classes.pre} aria-label="diff">
      {diff.split('\n').map((line, i) => {
        let cls: string | undefined;
        if (line.startsWith('+') && !line.startsWith('+++')) cls = classes.add;
        else if (line.startsWith('-') && !line.startsWith('---'))
          cls = classes.del;
        else if (line.startsWith('@@')) cls = classes.hunk;
        return (
          <div key={i} className={cls}>
            {line || ' '}
          </div>
        );
      })}
    </pre>
  );
}
