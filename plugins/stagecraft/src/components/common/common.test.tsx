import { act, render, screen } from '@testing-library/react';
import {
  applyPipelines,
  EnvironmentInfo,
  orderByPipeline,
} from './environments';
import { RelativeTime } from './RelativeTime';
import { useUrlState } from './useUrlState';
import { versionLabel } from '../ConfigContent/ConfigHistory';
import { parseTtl } from './ttl';

const env = (
  name: string,
  tier: string,
  promotesTo?: string,
): EnvironmentInfo => ({
  name,
  tier,
  promotesTo,
});

describe("the backend's pipeline (issue 18, item 3)", () => {
  it('orders by the backend and takes its promotion targets over the catalog', () => {
    const envs = [
      env('payments-prod', 'production'),
      env('payments-staging', 'staging', 'payments-prod'),
      env('payments-dev', 'development', 'payments-staging'),
      env('payments-gated', 'staging'),
      env('team-x-dev', 'development'),
    ];
    const placed = applyPipelines(envs, [
      {
        system: 'payments',
        stages: [
          {
            environment: 'payments-dev',
            tier: 'development',
            type: 'development',
            order: 1,
            promotesTo: 'payments-gated',
          },
          {
            environment: 'payments-gated',
            tier: 'staging',
            type: 'gated',
            order: 2,
            promotesTo: 'payments-prod',
          },
          {
            environment: 'payments-staging',
            tier: 'staging',
            type: 'staging',
            order: 2,
            promotesTo: 'payments-prod',
          },
          {
            environment: 'payments-prod',
            tier: 'production',
            type: 'production',
            order: 3,
          },
        ],
      },
    ]);
    expect(orderByPipeline(placed).map(e => e.name)).toEqual([
      'payments-dev',
      'payments-gated',
      'payments-staging',
      'payments-prod',
      // not in any pipeline (not provisioned): after, by tier
      'team-x-dev',
    ]);
    expect(placed.find(e => e.name === 'payments-dev')?.promotesTo).toBe(
      'payments-gated',
    );
    // the last stage promotes nowhere, whatever the catalog says
    expect(
      placed.find(e => e.name === 'payments-prod')?.promotesTo,
    ).toBeUndefined();
  });

  it('keeps the catalog chain when the backend has no pipelines', () => {
    const envs = [
      env('b', 'staging', 'c'),
      env('c', 'production'),
      env('a', 'development', 'b'),
    ];
    expect(
      orderByPipeline(applyPipelines(envs, undefined)).map(e => e.name),
    ).toEqual(['a', 'b', 'c']);
  });
});

describe('small pieces', () => {
  afterEach(() => jest.useRealTimers());

  it('a relative time ticks by itself (issue 18, item 12)', () => {
    jest.useFakeTimers();
    jest.setSystemTime(new Date('2030-01-01T00:00:05Z'));
    render(<RelativeTime at="2030-01-01T00:00:04Z" />);
    expect(screen.getByText('1 s ago')).toBeInTheDocument();
    act(() => {
      jest.advanceTimersByTime(3000);
    });
    expect(screen.getByText('4 s ago')).toBeInTheDocument();
  });

  it('keeps a view state in the URL and leaves the default out', () => {
    window.history.replaceState(null, '', '/environments?tier=staging');
    let set: (v: string) => void = () => {};
    function View() {
      const [tier, setTier] = useUrlState('tier');
      set = setTier;
      return <span>tier: {tier || 'all'}</span>;
    }
    render(<View />);
    expect(screen.getByText('tier: staging')).toBeInTheDocument();
    act(() => set('preview'));
    expect(window.location.search).toBe('?tier=preview');
    act(() => set(''));
    expect(window.location.search).toBe('');
  });

  it('says config versions in words', () => {
    expect(versionLabel('env3.cmp2')).toBe(
      'component values v2 + environment values v3',
    );
    expect(versionLabel('env0.cmp2')).toBe(
      'component values v2 + no environment values',
    );
    expect(versionLabel('env0.cmp0')).toBe('defaults only');
  });

  it('reads TTLs', () => {
    expect(parseTtl('3d12h')).toBe(84 * 3_600_000);
    expect(parseTtl('soon')).toBeUndefined();
  });
});
