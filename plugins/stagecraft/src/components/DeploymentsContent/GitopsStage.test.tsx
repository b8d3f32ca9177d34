import { render, screen } from '@testing-library/react';
import { commitUrl, GitopsStage } from './GitopsStage';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const base = {
  repository: 'https://github.com/acme/deploy.git',
  branch: 'main',
  path: 'eu-1/shop-stg/shop',
  commit: SHA,
};

describe('GitopsStage', () => {
  it('shows the stages reached and links the commit', () => {
    render(<GitopsStage gitops={{ ...base, stage: 'fetched' }} />);
    expect(
      screen.getByRole('status', { name: 'GitOps: Fetched by Flux' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: '0123456' })).toHaveAttribute(
      'href',
      `https://github.com/acme/deploy/commit/${SHA}`,
    );
    const reached = (s: string) =>
      document
        .querySelector(`[data-stage="${s}"]`)!
        .getAttribute('data-reached');
    expect([
      reached('committed'),
      reached('fetched'),
      reached('applied'),
    ]).toEqual(['true', 'true', 'false']);
  });

  it("says Flux failed with Flux's message", () => {
    render(
      <GitopsStage
        gitops={{
          ...base,
          stage: 'failed',
          message: 'dry-run failed: invalid',
        }}
      />,
    );
    expect(
      screen.getByText('Flux failed to apply: dry-run failed: invalid'),
    ).toBeInTheDocument();
  });

  it('names commits made outside Stagecraft', () => {
    render(
      <GitopsStage
        gitops={{
          ...base,
          stage: 'applied',
          changedOutside: [
            {
              sha: 'f'.repeat(40),
              author: 'Eve <eve@example.com>',
              message: 'hotfix',
              at: '',
            },
          ],
        }}
      />,
    );
    expect(
      screen.getByText(
        /Changed outside Stagecraft: 1 commit \(latest fffffff by Eve <eve@example.com>\)/,
      ),
    ).toBeInTheDocument();
  });

  it('names a hand edit in the cluster, which Flux will undo', () => {
    render(
      <GitopsStage
        gitops={{
          ...base,
          stage: 'applied',
          clusterEdits: [
            { object: 'Deployment/shop', manager: 'kubectl-edit', at: '' },
          ],
        }}
      />,
    );
    expect(
      screen.getByText(
        /^Edited in the cluster by kubectl-edit — Flux restores Git’s version at its next run$/,
      ),
    ).toBeInTheDocument();
  });

  it('renders nothing without a stage (apply mode)', () => {
    const { container } = render(<GitopsStage gitops={undefined} />);
    expect(container).toBeEmptyDOMElement();
  });

  it('links commits of GitLab too, and shows the sha alone elsewhere', () => {
    expect(commitUrl('https://gitlab.com/a/b.git', SHA)).toBe(
      `https://gitlab.com/a/b/-/commit/${SHA}`,
    );
    expect(commitUrl('http://127.0.0.1:17418/demo.git', SHA)).toBeUndefined();
    render(
      <GitopsStage
        gitops={{
          ...base,
          repository: 'http://127.0.0.1:17418/demo.git',
          stage: 'applied',
        }}
      />,
    );
    expect(screen.getByText('0123456').tagName).toBe('CODE');
  });
});
