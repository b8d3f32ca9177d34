import {
  assertDnsLabel,
  validateDnsLabel,
  validateDnsSubdomain,
  InputError,
  validateLabelValue,
  validateMetadataKey,
} from './names';

describe('DNS-1123 names', () => {
  it.each(['a', 'payments-staging', 'x1', '0abc', 'a'.repeat(63)])(
    'accepts the label %s',
    name => {
      expect(validateDnsLabel(name, 'metadata.name')).toBeUndefined();
    },
  );

  it('names the field and the first bad character for Prod_Env', () => {
    expect(validateDnsLabel('Prod_Env', 'metadata.name')).toEqual({
      field: 'metadata.name',
      message: expect.stringMatching(
        /^metadata\.name "Prod_Env" is not a valid DNS-1123 label: contains 'P' at position 1 \(upper case is not allowed\)/,
      ),
    });
    expect(validateDnsLabel('prod_env', 'x')?.message).toContain(
      "contains '_' at position 5",
    );
  });

  it('refuses leading/trailing dashes, empty and over-long labels', () => {
    expect(validateDnsLabel('-abc', 'f')?.message).toContain(
      'must start and end with a lower case letter or digit',
    );
    expect(validateDnsLabel('abc-', 'f')?.message).toContain('start and end');
    expect(validateDnsLabel('', 'f')?.message).toContain('must not be empty');
    expect(validateDnsLabel('a'.repeat(64), 'f')?.message).toContain(
      'no more than 63 characters (got 64)',
    );
    expect(validateDnsLabel(42, 'spec.namespace')?.message).toBe(
      'spec.namespace must be a string',
    );
  });

  it('validates subdomains part by part', () => {
    expect(validateDnsSubdomain('db.payments.svc', 'name')).toBeUndefined();
    expect(validateDnsSubdomain('db..svc', 'name')?.message).toContain(
      'part "" must not be empty',
    );
    expect(validateDnsSubdomain('a'.repeat(254), 'name')?.message).toContain(
      'no more than 253',
    );
  });

  it('assertDnsLabel throws an InputError listing the field', () => {
    expect(assertDnsLabel('ok-name', 'name')).toBe('ok-name');
    let caught: unknown;
    try {
      assertDnsLabel('Bad', 'environment');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).name).toBe('InputError');
    expect((caught as InputError).errors).toEqual([
      expect.objectContaining({ field: 'environment' }),
    ]);
  });
});

describe('label and annotation keys and values', () => {
  it.each(['team', 'app.kubernetes.io/name', 'acme.com/cost-center'])(
    'accepts the key %s',
    key => {
      expect(validateMetadataKey(key, 'labels')).toBeUndefined();
    },
  );

  it.each([
    ['kubernetes.io/metadata.name', 'reserved prefix "kubernetes.io/"'],
    [
      'node-role.kubernetes.io/control-plane',
      'reserved prefix "kubernetes.io/"',
    ],
    ['pod-security.kubernetes.io/enforce', 'reserved prefix'],
    ['k8s.io/x', 'reserved prefix "k8s.io/"'],
    ['stagecraft.io/environment', 'reserved prefix "stagecraft.io/"'],
    [
      'app.kubernetes.io/managed-by',
      'reserved prefix "app.kubernetes.io/managed-by"',
    ],
    ['Bad Key', 'is not a valid key'],
    [`${'a'.repeat(64)}`, 'is not a valid key'],
    ['UPPER_prefix.com/x', 'is not a valid key'],
    ['-leading', 'is not a valid key'],
  ])('refuses the key %s', (key, problem) => {
    expect(validateMetadataKey(key, 'labels')?.message).toContain(problem);
  });

  it.each([
    ['', true],
    ['v1.2_3-x', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['has space', false],
    ['-lead', false],
    [42, false],
  ])('value %j valid: %s', (value, ok) => {
    expect(validateLabelValue(value, 'labels.x') === undefined).toBe(ok);
  });
});
