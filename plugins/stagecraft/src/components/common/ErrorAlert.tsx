import { ResponseErrorPanel } from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { messageOf, nextAllowedAt, statusOf } from './format';
import { RelativeTime } from './RelativeTime';

/**
 * An error of a Stagecraft call inside a dialog: a deployment-window refusal
 * says when the next window opens, a 403 says it is not allowed; anything else
 * shows the backend's message.
 */
export function ErrorAlert({ error }: { error: Error }) {
  const next = nextAllowedAt(error);
  const message = messageOf(error);
  if (next) {
    return (
      <Alert severity="warning" style={{ marginTop: 8 }}>
        <AlertTitle>Outside the deployment window</AlertTitle>
        {message}
        <div>
          Next allowed at {new Date(next).toLocaleString()} (
          <RelativeTime at={next} />
          ).
        </div>
      </Alert>
    );
  }
  if (statusOf(error) === 403) {
    return (
      <Alert severity="warning" style={{ marginTop: 8 }}>
        <AlertTitle>Not allowed</AlertTitle>
        {message}
      </Alert>
    );
  }
  return (
    <Alert severity="error" style={{ marginTop: 8 }}>
      {message}
    </Alert>
  );
}

/** A card body's error: 403 as "not allowed" (what to ask for), else the panel. */
export function CardError({ error, what }: { error: Error; what: string }) {
  if (statusOf(error) === 403) {
    return (
      <Alert severity="info">
        <AlertTitle>You may not see {what}</AlertTitle>
        {messageOf(error)}
      </Alert>
    );
  }
  return <ResponseErrorPanel error={error} />;
}

/**
 * Wraps a disabled button in a tooltip that says why. The wrapper stays when
 * the button is enabled (no tooltip then), so the button is never remounted.
 */
export function DeniedTooltip({
  denied,
  title,
  children,
}: {
  denied: boolean;
  title: string;
  children: JSX.Element;
}) {
  return (
    <Tooltip title={denied ? title : ''}>
      <span>{children}</span>
    </Tooltip>
  );
}
