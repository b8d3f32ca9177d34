import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import { readOwnerSubjects, readReservedNamespaces } from './environmentTypes';

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

describe('stagecraft.ownerSubjects', () => {
  const subjects = (ownerSubjects?: JsonValue) =>
    readOwnerSubjects(
      new ConfigReader(ownerSubjects ? { stagecraft: { ownerSubjects } } : {}),
    );

  it('defaults to the entity name, as before', () => {
    const of = subjects();
    expect(of('group:default/payments')).toEqual({
      kind: 'Group',
      name: 'payments',
    });
    expect(of('user:default/bob')).toEqual({ kind: 'User', name: 'bob' });
    expect(of('group:acme/ops')).toEqual({ kind: 'Group', name: 'acme/ops' });
  });

  it('maps by template per kind, and by an explicit table first', () => {
    const of = subjects({
      group: 'oidc:{name}',
      user: '{name}@example.com',
      map: [
        {
          owner: 'group:default/platform',
          kind: 'Group',
          name: 'system:platform-admins',
        },
      ],
    });
    expect(of('group:default/payments')).toEqual({
      kind: 'Group',
      name: 'oidc:payments',
    });
    expect(of('user:default/bob')).toEqual({
      kind: 'User',
      name: 'bob@example.com',
    });
    expect(of('group:default/platform')).toEqual({
      kind: 'Group',
      name: 'system:platform-admins',
    });
  });

  it.each<[JsonValue, RegExp]>([
    [
      { group: 'oidc:' },
      /ownerSubjects\.group must contain \{name\} or \{ref\}/,
    ],
    [
      { map: [{ owner: 'group:default/x', kind: 'Team', name: 'x' }] },
      /ownerSubjects\.map\[0\]\.kind must be Group or User/,
    ],
  ])('fails start-up on %j naming the key', (value, message) => {
    expect(() => subjects(value)).toThrow(message);
  });
});
