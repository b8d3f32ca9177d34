import { makeStyles } from '@material-ui/core/styles';
import type { ComponentType } from 'react';

const useStyles = makeStyles({
  // a table header is never broken inside a word ("Replica s", "Pod s"):
  // the column grows, or the table scrolls, instead — for every Stagecraft
  // card and tab, whoever writes its table
  root: { '& th': { whiteSpace: 'nowrap' } },
});

/** What every Stagecraft card, tab and page is rendered in (extensions.tsx, legacy/plugin.tsx). */
export function Surface({ children }: { children: React.ReactNode }) {
  return <div className={useStyles().root}>{children}</div>;
}

/**
 * The component rendered in the Surface every Stagecraft card, tab and page
 * is rendered in: the legacy extensions (legacy/plugin.tsx) and the new
 * system's blueprints (extensions.tsx) both render it.
 */
export function surfaced<P extends {}>(
  Component: ComponentType<P>,
): (props: P) => JSX.Element {
  return function Surfaced(props: P) {
    return (
      <Surface>
        <Component {...props} />
      </Surface>
    );
  };
}
