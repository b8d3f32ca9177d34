import {
  assertDnsLabel,
  validateDnsLabel,
  validateDnsSubdomain,
  ValidationError,
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

  it('assertDnsLabel throws an InputError-named ValidationError listing the field', () => {
    expect(assertDnsLabel('ok-name', 'name')).toBe('ok-name');
    let caught: unknown;
    try {
      assertDnsLabel('Bad', 'environment');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).name).toBe('InputError');
    expect((caught as ValidationError).errors).toEqual([
      expect.objectContaining({ field: 'environment' }),
    ]);
  });
});
