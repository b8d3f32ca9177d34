import { ConfigReader } from '@backstage/config';
import type { Actor } from '../ports';
import { domainHarness } from '../../__testUtils__/domainHarness';
import { tierDefaults } from './types';
import { readEnvironmentTypes } from '../../environmentTypes';

const alice: Actor = { ref: 'user:default/alice', credentials: {} };

describe('environment types carry maxTtl', () => {
  it('is read from config and checked there', () => {
    const types = readEnvironmentTypes(
      new ConfigReader({
        stagecraft: {
          environmentTypes: [
            { name: 'preview', tier: 'preview', maxTtl: '7d' },
          ],
        },
      }),
    );
    expect(types[0].maxTtl).toBe('7d');
    expect(() =>
      readEnvironmentTypes(
        new ConfigReader({
          stagecraft: {
            environmentTypes: [
              { name: 'preview', tier: 'preview', maxTtl: 'a week' },
            ],
          },
        }),
      ),
    ).toThrow(
      'stagecraft.environmentTypes[0].maxTtl must be a duration such as "7d"',
    );
  });

  it('extend beyond it is refused with 400 naming ttl and the limit, and audited', async () => {
    const h = await domainHarness({
      types: [{ ...tierDefaults('preview', 'preview'), maxTtl: '7d' }],
    });
    await h.provision([['shop-pr-1', 'preview']]);
    // 72h left + 4d = 7d: allowed
    const ok = await h.environments.extend(alice, 'shop-pr-1', { ttl: '96h' });
    expect(ok.expiresAt).toBeDefined();
    const refused = h.environments.extend(alice, 'shop-pr-1', { ttl: '1h' });
    await expect(refused).rejects.toMatchObject({
      name: 'InputError',
      errors: [
        {
          field: 'ttl',
          message: expect.stringMatching(
            /^ttl would keep shop-pr-1 for .* from now, beyond the maxTtl of 7d of environment type "preview"$/,
          ),
        },
      ],
    });
    const [last] = h.audits.slice(-1);
    expect([last.action, last.outcome]).toEqual([
      'environment.extend',
      'failed',
    ]);
  });

  it('a ttl beyond it on create or PATCH is refused before anything is written; an environment that never expires has nothing to extend', async () => {
    const h = await domainHarness({
      types: [
        { ...tierDefaults('preview', 'preview'), maxTtl: '7d' },
        tierDefaults('development', 'development'),
      ],
    });
    await expect(
      h.environments.create(alice, {
        name: 'shop-pr-2',
        type: 'preview',
        owner: 'group:default/team-a',
        ttl: '8d',
      }),
    ).rejects.toMatchObject({ errors: [{ field: 'ttl' }] });
    expect(await h.environments.list(alice)).toEqual([]);
    await h.provision([
      ['shop-pr-1', 'preview'],
      ['shop-dev', 'development'],
    ]);
    await expect(
      h.environments.update(alice, 'shop-pr-1', { ttl: '30d' }),
    ).rejects.toMatchObject({ errors: [{ field: 'ttl' }] });
    await expect(
      h.environments.extend(alice, 'shop-dev', { ttl: '1h' }),
    ).rejects.toThrow('shop-dev does not expire; there is nothing to extend');
  });
});
