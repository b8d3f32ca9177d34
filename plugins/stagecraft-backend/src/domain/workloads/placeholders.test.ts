import { InputError } from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  expandPlaceholders,
  PlaceholderContext,
  splitReference,
} from './placeholders';

const context: PlaceholderContext = {
  metadata: {
    name: 'checkout',
    annotations: { 'example.com/team': 'payments' },
    replicas: 3,
  },
  resources: { db: { type: 'postgres' }, cache: { type: 'redis' } },
  resourceOutputs: {
    db: {
      host: 'db.internal',
      port: '5432',
      uri: 'postgres://db.internal:5432/app',
    },
  },
};

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected a InputError');
}

describe('expandPlaceholders', () => {
  it('substitutes metadata, including nested keys with escaped dots', () => {
    expect(expandPlaceholders('svc-${metadata.name}', context)).toBe(
      'svc-checkout',
    );
    expect(
      expandPlaceholders('${metadata.annotations.example\\.com/team}', context),
    ).toBe('payments');
    expect(expandPlaceholders('${metadata.replicas}', context)).toBe('3');
    expect(expandPlaceholders('${metadata.annotations}', context)).toBe(
      '{"example.com/team":"payments"}',
    );
  });

  it('substitutes resource outputs, several per value', () => {
    expect(
      expandPlaceholders('${resources.db.host}:${resources.db.port}', context),
    ).toBe('db.internal:5432');
    expect(
      expandPlaceholders('${resources.db.uri}?sslmode=require', context),
    ).toBe('postgres://db.internal:5432/app?sslmode=require');
  });

  it('treats $${ as a literal ${ and $$ as a literal $, like Score', () => {
    expect(expandPlaceholders('$${HOME}/bin', context)).toBe('${HOME}/bin');
    expect(expandPlaceholders('$${resources.db.host}', context)).toBe(
      '${resources.db.host}',
    );
    expect(expandPlaceholders('cost: $$5, $x, $', context)).toBe(
      'cost: $5, $x, $',
    );
    expect(expandPlaceholders('unclosed ${metadata.name', context)).toBe(
      'unclosed ${metadata.name',
    );
  });

  it('does not expand the values it substitutes', () => {
    const tricky: PlaceholderContext = {
      ...context,
      resourceOutputs: { db: { password: 'p$${metadata.name}' } },
    };
    expect(expandPlaceholders('${resources.db.password}', tricky)).toBe(
      'p$${metadata.name}',
    );
  });

  it('names the field and the reference when a resource has no such output', () => {
    const error = errorOf(() =>
      expandPlaceholders(
        '${resources.db.password}',
        context,
        'containers.main.variables.DATABASE_URL',
      ),
    );
    expect(error.errors).toEqual([
      {
        field: 'containers.main.variables.DATABASE_URL',
        message:
          'containers.main.variables.DATABASE_URL references ${resources.db.password} but resource "db" has no output "password" (its outputs: host, port, uri)',
      },
    ]);
    expect(
      errorOf(() =>
        expandPlaceholders(
          '${resources.cache.host}',
          context,
          'containers.main.variables.REDIS',
        ),
      ).message,
    ).toBe(
      'containers.main.variables.REDIS references ${resources.cache.host} but resource "cache" has no output "host"',
    );
  });

  it('refuses resources that are not declared and references without an output', () => {
    expect(
      errorOf(() => expandPlaceholders('${resources.queue.url}', context, 'f'))
        .message,
    ).toBe(
      'f references ${resources.queue.url} but resource "queue" is not declared in resources',
    );
    expect(
      errorOf(() => expandPlaceholders('${resources.db}', context, 'f'))
        .message,
    ).toBe(
      'f references ${resources.db} but a resource reference must name one of its outputs, e.g. ${resources.db.host}',
    );
  });

  it('refuses unknown roots, empty references and missing metadata', () => {
    expect(
      errorOf(() => expandPlaceholders('${HOME}', context, 'f')).message,
    ).toBe(
      'f references ${HOME}, which is not a known placeholder: use ${metadata.<key>} or ${resources.<name>.<output>}, or write $${ for a literal ${',
    );
    expect(
      errorOf(() => expandPlaceholders('${}', context, 'f')).message,
    ).toMatch(/^f references \$\{\}, which is not a known placeholder/);
    expect(
      errorOf(() =>
        expandPlaceholders('${metadata.annotations.owner}', context, 'f'),
      ).message,
    ).toBe(
      'f references ${metadata.annotations.owner} but metadata.annotations has no "owner"',
    );
  });

  it('reports every bad reference of a value once', () => {
    const error = errorOf(() =>
      expandPlaceholders('${HOME} ${HOME} ${metadata.nope}', context, 'f'),
    );
    expect(error.errors.map(e => e.message)).toEqual([
      expect.stringMatching(/^f references \$\{HOME\}/),
      'f references ${metadata.nope} but metadata has no "nope"',
    ]);
  });
});

describe('splitReference', () => {
  it('splits on dots that are not escaped', () => {
    expect(splitReference('metadata.annotations.a\\.b/c')).toEqual([
      'metadata',
      'annotations',
      'a.b/c',
    ]);
  });
});
