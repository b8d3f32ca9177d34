import { Fragment, useLayoutEffect, useRef } from 'react';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import type { LogLine } from '@stagecraft/backstage-plugin-stagecraft-common';

const useStyles = makeStyles(theme => ({
  root: {
    fontFamily: 'monospace',
    fontSize: 12,
    lineHeight: 1.5,
    overflow: 'auto',
    flex: 1,
    minHeight: 200,
    padding: theme.spacing(1),
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
  },
  line: { display: 'flex', gap: theme.spacing(1) },
  wrap: { whiteSpace: 'pre-wrap', wordBreak: 'break-all' },
  nowrap: { whiteSpace: 'pre' },
  meta: { color: theme.palette.text.secondary, flexShrink: 0 },
  pod: { color: theme.palette.primary.main, flexShrink: 0 },
  mark: {
    background: theme.palette.warning.light,
    color: theme.palette.common.black,
  },
}));

/** The lines whose text (or pod) contains `search`, case-insensitively. */
export function matching(lines: LogLine[], search: string): LogLine[] {
  const s = search.trim().toLowerCase();
  if (!s) return lines;
  return lines.filter(
    l => l.text.toLowerCase().includes(s) || l.pod.toLowerCase().includes(s),
  );
}

function Highlighted({
  text,
  search,
  className,
}: {
  text: string;
  search: string;
  className: string;
}) {
  const s = search.trim().toLowerCase();
  if (!s) return <>{text}</>;
  const parts: JSX.Element[] = [];
  const lower = text.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(s); i >= 0; i = lower.indexOf(s, at)) {
    parts.push(<Fragment key={`t${at}`}>{text.slice(at, i)}</Fragment>);
    parts.push(
      <mark key={`m${i}`} className={className}>
        {text.slice(i, i + s.length)}
      </mark>,
    );
    at = i + s.length;
  }
  parts.push(<Fragment key={`t${at}`}>{text.slice(at)}</Fragment>);
  return <>{parts}</>;
}

/** "12:03:04.123" of an RFC 3339 time (the whole value as the title). */
function clock(time: string) {
  const m = /T(\d\d:\d\d:\d\d(?:\.\d{1,3})?)/.exec(time);
  return m ? m[1] : time;
}

/**
 * The shown lines, with the pod name on each (when several pods merge) and
 * the matches of `search` highlighted. Sticks to the bottom as lines arrive
 * unless the user scrolled up.
 */
export function LogLines({
  lines,
  search,
  wrap,
  showPod,
}: {
  lines: LogLine[];
  search: string;
  wrap: boolean;
  showPod: boolean;
}) {
  const classes = useStyles();
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [lines, wrap]);
  return (
    <div
      ref={box}
      className={classes.root}
      role="log"
      aria-label="log lines"
      aria-live="polite"
      data-testid="log-lines"
      onScroll={() => {
        const el = box.current;
        if (!el) return;
        atBottom.current =
          el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
      }}
    >
      {lines.map((l, i) => (
        <Box
          key={i}
          className={`${classes.line} ${wrap ? classes.wrap : classes.nowrap}`}
          data-testid="log-line"
        >
          <span className={classes.meta} title={l.time}>
            {clock(l.time)}
          </span>
          {showPod && (
            <span className={classes.pod} title={`${l.pod}/${l.container}`}>
              {l.pod}
            </span>
          )}
          <span>
            <Highlighted
              text={l.text}
              search={search}
              className={classes.mark}
            />
            {l.truncated && <span className={classes.meta}> [cut]</span>}
          </span>
        </Box>
      ))}
    </div>
  );
}
