import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles({
  // a table header is never broken inside a word ("Replica s", "Pod s"):
  // the column grows, or the table scrolls, instead — for every Stagecraft
  // card and tab, whoever writes its table
  root: { '& th': { whiteSpace: 'nowrap' } },
});

/** What every Stagecraft card, tab and page is rendered in (plugin.tsx). */
export function Surface({ children }: { children: React.ReactNode }) {
  return <div className={useStyles().root}>{children}</div>;
}
