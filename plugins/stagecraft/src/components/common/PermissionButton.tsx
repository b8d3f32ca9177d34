import Button, { ButtonProps } from '@material-ui/core/Button';
import { usePermission } from '@backstage/plugin-permission-react';
import type { ActionState } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { Wire } from '../../api/wire';
import { DeniedTooltip } from './ErrorAlert';

/**
 * The backend's answer for one action (`GET …/actions`): `loading` while it is
 * asked, an Error when it could not be read (the permission check stands in).
 */
export type ActionAnswer = Wire<ActionState> | 'loading' | Error;

type Props = {
  /** Asked when there is no answer of the backend (`state` absent or an Error). */
  access?: Parameters<typeof usePermission>[0];
  /** The tooltip of a permission refusal when the backend gave no reason. */
  deniedTitle: string;
  /** The backend's answer: its first failing reason is the tooltip. */
  state?: ActionAnswer;
  label: string;
  busy?: boolean;
  variant?: ButtonProps['variant'];
  color?: ButtonProps['color'];
  onClick: () => void;
  children: React.ReactNode;
};

function Gated({
  allowed,
  known,
  title,
  label,
  busy,
  variant,
  color,
  onClick,
  children,
}: Omit<Props, 'access' | 'deniedTitle' | 'state'> & {
  allowed: boolean;
  /** Whether the answer is in (a button waiting for it has no tooltip yet). */
  known: boolean;
  title: string;
}) {
  return (
    <DeniedTooltip denied={known && !allowed} title={title}>
      <Button
        size="small"
        variant={variant}
        color={color}
        disabled={busy || !allowed}
        aria-label={label}
        // browser tests wait until every control has its answer
        data-answer={known ? 'known' : 'waiting'}
        onClick={onClick}
      >
        {children}
      </Button>
    </DeniedTooltip>
  );
}

function PermissionGated({
  access,
  deniedTitle,
  ...rest
}: Omit<Props, 'state' | 'access'> & {
  access: NonNullable<Props['access']>;
}) {
  const permission = usePermission(access);
  return (
    <Gated
      {...rest}
      allowed={permission.allowed}
      known={!permission.loading}
      title={deniedTitle}
    />
  );
}

/**
 * A small button that is enabled only when the user may do it now. With the
 * backend's answer (`state`), a disabled button's tooltip is the backend's
 * first failing reason (not provisioned, not the owner, window closed, pending
 * approval, quota…); without one the permission framework decides and
 * `deniedTitle` says why. Disabled while something else runs (`busy`).
 * `label` is its accessible name.
 */
export function PermissionButton({
  access,
  deniedTitle,
  state,
  ...rest
}: Props) {
  if (state === 'loading') {
    return <Gated {...rest} allowed={false} known={false} title="" />;
  }
  if (state && !(state instanceof Error)) {
    return (
      <Gated
        {...rest}
        allowed={state.allowed === true}
        known
        title={state.reason?.message ?? deniedTitle}
      />
    );
  }
  if (access) {
    return (
      <PermissionGated {...rest} access={access} deniedTitle={deniedTitle} />
    );
  }
  return <Gated {...rest} allowed known title="" />;
}
