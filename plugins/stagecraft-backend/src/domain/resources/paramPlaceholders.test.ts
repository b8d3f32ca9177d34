import { planParams } from './paramPlaceholders';

const resource = (name: string, params: Record<string, unknown> = {}) => ({
  resourceNames: [name],
  params,
});

const spec = {
  metadata: { name: 'shop', annotations: { team: 'payments' } },
  resources: {
    web: { type: 'route' },
    name: { type: 'dns' },
    db: { type: 'postgres' },
  },
};

describe('Score placeholders in resource params', () => {
  it('plans a resource after the ones its params read and substitutes their outputs and the metadata', async () => {
    const read: string[] = [];
    const web = resource('web', {
      host: '${resources.name.host}',
      path: '/${metadata.name}',
      labels: ['${metadata.annotations.team}', 'cost $$5'],
    });
    const planned = await planParams(
      [web, resource('name'), resource('db')],
      spec,
      async p => {
        read.push(p.resourceNames[0]);
        return { host: 'shop.team-dev.apps.example.com' };
      },
    );
    expect(planned.map(p => p.resourceNames[0])).toEqual(['name', 'web', 'db']);
    expect(web.params).toEqual({
      host: 'shop.team-dev.apps.example.com',
      path: '/shop',
      labels: ['payments', 'cost $5'],
    });
    // only outputs another resource's params read are asked for
    expect(read).toEqual(['name']);
  });

  it('refuses a cycle, naming the resources on it', async () => {
    await expect(
      planParams(
        [
          resource('web', { host: '${resources.name.host}' }),
          resource('name', { zone: '${resources.web.host}' }),
        ],
        spec,
        async () => ({ host: 'x' }),
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      errors: [
        {
          field: 'resources.web.params',
          message:
            "resources.web.params: the params of these resources read each other's outputs in a cycle: web → name → web",
        },
      ],
    });
  });

  it('refuses a secret output and an unknown reference, naming each field', async () => {
    await expect(
      planParams(
        [
          resource('web', {
            host: '${resources.db.password}',
            path: '${metadata.nope}',
          }),
          resource('db'),
        ],
        spec,
        async () => ({
          password: { secretKeyRef: { name: 'shop-db', key: 'password' } },
        }),
      ),
    ).rejects.toMatchObject({
      errors: [
        {
          field: 'resources.web.params.host',
          message:
            'resources.web.params.host references a secret output: params are written into plain objects, so only plain outputs may be used there',
        },
        {
          field: 'resources.web.params.path',
          message: expect.stringContaining('metadata has no "nope"'),
        },
      ],
    });
  });
});
