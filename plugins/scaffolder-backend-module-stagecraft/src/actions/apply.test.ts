import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  createKubernetesApplyAction,
  createStagecraftApplyAction,
} from './apply';

const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: flags }\n';
const result = (dryRun: boolean, changed: string[]): any => ({
  dryRun,
  environment: 'payments-dev',
  namespace: 'payments-dev',
  objects: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'flags' }],
  changed,
  diff: '+flags',
});

describe('stagecraft:apply (guarded)', () => {
  it('logs what the API server warned about', async () => {
    const applyManifests = jest.fn(async () => ({
      ...result(false, ['Deployment/web']),
      warnings: ['apps/v1beta1 Deployment is deprecated; use apps/v1'],
    }));
    const ctx = createMockActionContext({
      input: { environment: 'payments-dev', manifest },
    });
    const logged: string[] = [];
    ctx.logger.info = ((m: string) => void logged.push(m)) as any;
    await createStagecraftApplyAction({ client: { applyManifests } }).handler(
      ctx,
    );
    expect(logged).toContain(
      'Kubernetes warning: apps/v1beta1 Deployment is deprecated; use apps/v1',
    );
  });

  it('sends the manifest to the backend as the initiating user, with the task as origin', async () => {
    const applyManifests = jest.fn(async () =>
      result(false, ['ConfigMap/flags']),
    );
    const action = createKubernetesApplyAction({ client: { applyManifests } });
    const ctx = createMockActionContext({
      input: { environment: 'payments-dev', manifest },
    });
    await action.handler(ctx);
    expect(applyManifests).toHaveBeenCalledWith(
      'payments-dev',
      { manifests: manifest, origin: { taskId: 'mock-task-id' } },
      { credentials: await ctx.getInitiatorCredentials() },
    );
    expect((ctx.output as jest.Mock).mock.calls).toEqual([
      ['namespace', 'payments-dev'],
      ['objects', ['ConfigMap/flags']],
      ['changed', ['ConfigMap/flags']],
      ['diff', '+flags'],
    ]);
  });

  it('reads a file of the workspace, and refuses paths that leave it', async () => {
    const dir = createMockDirectory({
      content: { 'k8s/flags.yaml': manifest },
    });
    const applyManifests = jest.fn(async () => result(false, []));
    const action = createKubernetesApplyAction({ client: { applyManifests } });
    await action.handler(
      createMockActionContext({
        input: { environment: 'payments-dev', path: 'k8s/flags.yaml' },
        workspacePath: dir.path,
      }),
    );
    expect((applyManifests.mock.calls[0] as any[])[1]).toMatchObject({
      manifests: manifest,
    });
    for (const path of ['../../etc/passwd', '/etc/passwd']) {
      await expect(
        action.handler(
          createMockActionContext({
            input: { environment: 'payments-dev', path },
            workspacePath: dir.path,
          }),
        ),
      ).rejects.toThrow(/outside|not allowed/i);
    }
    expect(applyManifests).toHaveBeenCalledTimes(1);
  });

  it('needs exactly one of manifest and path', async () => {
    const applyManifests = jest.fn();
    const action = createKubernetesApplyAction({ client: { applyManifests } });
    for (const input of [
      { environment: 'payments-dev' },
      { environment: 'payments-dev', manifest, path: 'x.yaml' },
    ]) {
      await expect(
        action.handler(createMockActionContext({ input })),
      ).rejects.toThrow('exactly one of manifest or path');
    }
    expect(applyManifests).not.toHaveBeenCalled();
  });

  it('dry-runs on the server and fails the step with the backend refusal', async () => {
    const applyManifests = jest.fn(async () => result(true, []));
    const action = createKubernetesApplyAction({ client: { applyManifests } });
    expect(action.supportsDryRun).toBe(true);
    await action.handler({
      ...createMockActionContext({
        input: { environment: 'payments-dev', manifest },
      }),
      isDryRun: true,
    });
    expect((applyManifests.mock.calls[0] as any[])[1]).toEqual({
      manifests: manifest,
      dryRun: true,
    });
    const refused = jest.fn(async () => {
      throw new Error(
        'manifests[0] is a ClusterRoleBinding: the guarded apply never creates ClusterRoleBindings',
      );
    });
    await expect(
      createKubernetesApplyAction({
        client: { applyManifests: refused },
      }).handler(
        createMockActionContext({
          input: { environment: 'payments-dev', manifest },
        }),
      ),
    ).rejects.toThrow('never creates ClusterRoleBindings');
  });
});
