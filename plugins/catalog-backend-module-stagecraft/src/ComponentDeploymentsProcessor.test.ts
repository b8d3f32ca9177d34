import { mockServices } from '@backstage/backend-test-utils';
import { ComponentDeploymentsProcessor } from './ComponentDeploymentsProcessor';

const component = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};
const location = {
  type: 'url',
  target: 'https://example.com/catalog-info.yaml',
};

describe('ComponentDeploymentsProcessor', () => {
  const auth = mockServices.auth();
  const logger = mockServices.logger.mock();

  it('relates a component to each environment it is deployed in, both ways', async () => {
    const getDeployments = jest.fn(async () => [
      { environment: 'payments-dev' },
      { environment: 'payments-staging' },
    ]);
    const processor = new ComponentDeploymentsProcessor({
      client: { getDeployments } as any,
      auth,
      logger,
    });
    const emit = jest.fn();
    await processor.postProcessEntity(component, location, emit);
    expect(getDeployments).toHaveBeenCalledWith('component:default/checkout', {
      credentials: expect.objectContaining({
        principal: expect.objectContaining({ type: 'service' }),
      }),
    });
    expect(
      emit.mock.calls.map(
        ([r]) =>
          `${r.relation.source.name} ${r.relation.type} ${r.relation.target.name}`,
      ),
    ).toEqual([
      'checkout deployedTo payments-dev',
      'payments-dev hasDeployment checkout',
      'checkout deployedTo payments-staging',
      'payments-staging hasDeployment checkout',
    ]);
  });

  it('leaves other kinds alone and survives an unavailable backend', async () => {
    const getDeployments = jest.fn(async () => {
      throw new Error('503');
    });
    const processor = new ComponentDeploymentsProcessor({
      client: { getDeployments } as any,
      auth,
      logger,
    });
    const emit = jest.fn();
    await expect(
      processor.postProcessEntity(component, location, emit),
    ).resolves.toBe(component);
    await processor.postProcessEntity(
      { ...component, kind: 'API' },
      location,
      emit,
    );
    expect(getDeployments).toHaveBeenCalledTimes(1);
    expect(emit).not.toHaveBeenCalled();
  });
});
