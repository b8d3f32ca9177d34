import Button, { ButtonProps } from '@material-ui/core/Button';
import { usePermission } from '@backstage/plugin-permission-react';
import { DeniedTooltip } from './ErrorAlert';

/**
 * A small button the permission framework gates: disabled while the decision
 * loads, disabled with a tooltip saying why when it is denied, and disabled
 * while something else runs (`busy`). `label` is its accessible name.
 */
export function PermissionButton({
  access,
  deniedTitle,
  label,
  busy = false,
  variant,
  color,
  onClick,
  children,
}: {
  access: Parameters<typeof usePermission>[0];
  deniedTitle: string;
  label: string;
  busy?: boolean;
  variant?: ButtonProps['variant'];
  color?: ButtonProps['color'];
  onClick: () => void;
  children: React.ReactNode;
}) {
  const permission = usePermission(access);
  return (
    <DeniedTooltip
      denied={!permission.loading && !permission.allowed}
      title={deniedTitle}
    >
      <Button
        size="small"
        variant={variant}
        color={color}
        disabled={busy || !permission.allowed}
        aria-label={label}
        onClick={onClick}
      >
        {children}
      </Button>
    </DeniedTooltip>
  );
}
