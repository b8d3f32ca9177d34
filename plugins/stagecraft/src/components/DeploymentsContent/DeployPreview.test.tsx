import { render, screen, within } from '@testing-library/react';
import type { DeployResult } from '@stagecraft/backstage-plugin-stagecraft-common';
import { DeployPreview } from './DeployPreview';

const preview = (warnings?: string[]): DeployResult =>
  ({
    release: { id: 'r-000000000001', image: 'ghcr.io/acme/app:1' },
    dryRun: true,
    diff: '--- a\n+++ b',
    ...(warnings && { warnings }),
  } as DeployResult);

describe('DeployPreview', () => {
  it("shows the API server's warnings of the dry run", () => {
    const warning =
      'Deployment/app: would violate PodSecurity "restricted:v1.33": seccompProfile (pod must set …)';
    render(<DeployPreview preview={preview([warning])} environment="dev" />);
    const list = screen.getByRole('list', { name: 'cluster warnings' });
    expect(within(list).getByText(warning)).toBeInTheDocument();
  });

  it('shows no warning box when the cluster said nothing', () => {
    render(<DeployPreview preview={preview()} environment="dev" />);
    expect(screen.queryByRole('list', { name: 'cluster warnings' })).toBeNull();
  });
});
