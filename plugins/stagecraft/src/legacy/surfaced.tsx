import type { ComponentType } from 'react';
import { Surface } from '../components/common/Surface';

/**
 * The component rendered in the Surface every Stagecraft card, tab and page
 * is rendered in, as the new system's blueprints do in ../plugin.tsx.
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
