import { ApiException } from '@kubernetes/client-node';
import { toDomainError } from './clusterErrors';

const refusal = (message: string) =>
  new ApiException(
    403,
    'Forbidden',
    JSON.stringify({ kind: 'Status', reason: 'Forbidden', message }),
    {},
  );

describe('toDomainError', () => {
  it("turns RBAC refusing Stagecraft's identity into a 503 naming the cluster, not a 403", () => {
    const e = toDomainError(
      'local',
      refusal(
        'namespaces is forbidden: User "system:serviceaccount:stagecraft:stagecraft" cannot create resource "namespaces" in API group "" at the cluster scope',
      ),
    );
    expect(e.name).toBe('ServiceUnavailableError');
    expect(e.message).toMatch(/^cluster local: namespaces is forbidden/);
    expect(e.message).toMatch(/if the API server just restarted, ask again/);
  });

  it('keeps an admission refusal of the change (quota, Pod Security) a 403', () => {
    for (const message of [
      'pods "web" is forbidden: exceeded quota: stagecraft-quota, requested: limits.cpu=4, used: limits.cpu=0, limited: limits.cpu=2',
      'pods "web" is forbidden: violates PodSecurity "restricted:latest": privileged',
    ]) {
      const e = toDomainError('local', refusal(message));
      expect(e.name).toBe('NotAllowedError');
      expect(e.message).toBe(`cluster local: ${message}`);
    }
  });
});
