import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import { readReservedNamespaces } from './environmentTypes';

const read = (reservedNamespaces: JsonValue, own?: string) =>
  readReservedNamespaces(
    new ConfigReader({ stagecraft: { reservedNamespaces } }),
    own,
  );

describe('stagecraft.reservedNamespaces', () => {
  it('adds names, prefixes and the namespace the backend runs in to the defaults', () => {
    const reserved = read(
      ['tools', { pattern: 'platform-*', reason: 'platform team' }],
      'backstage',
    );
    expect(reserved.match('tools')?.pattern).toBe('tools');
    expect(reserved.match('platform-ci')).toEqual({
      pattern: 'platform-*',
      why: 'platform team',
    });
    expect(reserved.match('backstage')?.why).toBe(
      'the namespace Stagecraft runs in',
    );
    expect(reserved.match('openshift-console')?.pattern).toBe('openshift-*');
    expect(reserved.match('kube-flannel')?.pattern).toBe('kube-*');
    expect(reserved.match('payments-dev')).toBeUndefined();
    expect(reserved.match('toolsy')).toBeUndefined();
  });

  it.each<[JsonValue]>([['Bad_Name'], [''], [{ reason: 'no pattern' }], [7]])(
    'fails start-up on %j naming the key',
    entry => {
      expect(() => read([entry])).toThrow(
        /stagecraft\.reservedNamespaces\[0\] must be a namespace name or a prefix/,
      );
    },
  );
});
