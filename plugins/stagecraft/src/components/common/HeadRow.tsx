import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';

/**
 * The header row of every Stagecraft table: a header is never broken inside a
 * word ("Replica s") — the column grows, or the table scrolls, instead.
 */
export function HeadRow({ columns }: { columns: React.ReactNode[] }) {
  return (
    <TableHead>
      <TableRow>
        {columns.map((c, i) => (
          <TableCell key={i} style={{ whiteSpace: 'nowrap' }}>
            {c}
          </TableCell>
        ))}
      </TableRow>
    </TableHead>
  );
}

/** Keeps a short value (a status, a count) on one line. */
export const noWrap: React.CSSProperties = { whiteSpace: 'nowrap' };
