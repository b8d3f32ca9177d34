import {
  ActionState,
  ApprovalRequest,
  assertDnsLabel,
  ComponentActions,
  DeploymentRevision,
  ENVIRONMENT_TIERS,
  EnvironmentActions,
  PromotionPipeline,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { asObject, authorizeOrThrow, checkBody, permittedOnly } from '../input';
import type {
  Actor,
  ApprovalStore,
  DeploymentStore,
  Directory,
  EnvironmentRecord,
  StagecraftAction,
  UseCaseDeps,
} from '../ports';
import { normalizeComponentRef } from '../deployments/DeploymentService';
import type { ProtectionPolicy } from '../approvals/ApprovalService';
import { windowState } from '../policy/windows';
import type { PromotionPipelines } from '../policy/pipeline';
import type { EnvironmentTypeSpec } from '../environments/types';
import { isPaused, PAUSABLE_TIERS, pauseState } from '../operations/pauseState';
import { maxReplicasOf } from './quota';
import { maxTtlOf } from '../environments/maxTtl';
import { first, no, ok, provisioned, short, VERBS } from './reasons';

/**
 * One answer to "what may this user do here, and why not": each action with
 * the first failing reason, in the order not provisioned, permission (the
 * same Authorizer and rules the use cases ask, conditional decisions
 * included), deployment window, pending approval, quota, nothing to roll
 * back to, paused / not paused. The use cases refuse the same things, so a
 * disabled control and a refused request say the same sentence.
 */
export class ActionsService {
  constructor(
    private readonly deps: UseCaseDeps & {
      deployments: DeploymentStore;
      approvals: ApprovalStore;
      directory: Directory;
      pipelines: PromotionPipelines;
      types: EnvironmentTypeSpec[];
      policyFor(env: EnvironmentRecord): ProtectionPolicy;
      allowTierSkip?: boolean;
    },
  ) {}

  /** Actions on a component in one environment. */
  async forComponent(
    actor: Actor,
    componentRef: unknown,
    environment: unknown,
  ): Promise<ComponentActions> {
    const ref = normalizeComponentRef(componentRef);
    const name = assertDnsLabel(environment, 'environment');
    await this.canRead(actor, 'deployment.read', name);
    const env = await this.deps.environments.getEnvironment(name);
    const revisions = env
      ? await this.deps.deployments.listRevisions(ref, name)
      : [];
    const current =
      revisions[0]?.action === 'remove' ? undefined : revisions[0];
    const paused = Boolean(current && isPaused(current));
    const all = env ? await this.deps.environments.listEnvironments() : [];
    const target = env ? this.deps.pipelines.targetOf(env, all) : undefined;
    const to = target && all.find(e => e.name === target.name);
    const perm = env
      ? await this.explain(actor, env, [
          'deployment.create',
          'deployment.rollback',
          'deployment.operate',
          'deployment.approve',
          'config.update',
          'secret.update',
        ])
      : {};
    const promotePerm = to
      ? (await this.explain(actor, to, ['deployment.promote']))[
          'deployment.promote'
        ]
      : undefined;
    const pending = env ? await this.pendingOf(ref, name) : undefined;
    const pendingTo = to ? await this.pendingOf(ref, to.name) : undefined;
    const notProvisioned = provisioned(name, env);
    const window = env && this.window(env);
    const waiting = (p: ApprovalRequest | undefined, where: string) =>
      p &&
      no(
        'pending-approval',
        `A ${p.action} of ${short(ref)} to ${where} (requested by ${
          p.requestedBy
        }) is waiting for approval`,
      );
    const notDeployed = (what: string) =>
      !current &&
      no('not-deployed', `${short(ref)} is not deployed in ${name}; ${what}`);
    const previous =
      current && revisions.find(r => r.releaseId !== current.releaseId);
    const maxReplicas =
      env && current
        ? await maxReplicasOf(this.deps, env, this.typeOf(env), ref)
        : undefined;
    const mine = pending?.requestedBy === actor.ref;
    const groups =
      pending && !mine
        ? (await this.deps.directory.ownershipOf(actor)).map(g =>
            g.toLocaleLowerCase('en-US'),
          )
        : [];
    const nothingPending =
      !pending &&
      no(
        'no-pending-approval',
        `Nothing of ${short(ref)} waits for approval in ${name}`,
      );
    const approverCheck = first(
      nothingPending,
      pending &&
        !mine &&
        !groups.includes(pending.group.toLocaleLowerCase('en-US')) &&
        no(
          'not-approver',
          `Only members of ${pending.group} approve changes to ${name}`,
        ),
    );
    const decide = (verb: 'approve' | 'reject') =>
      first(
        notProvisioned,
        perm['deployment.approve'],
        verb === 'approve' && window,
        approverCheck,
        mine &&
          no(
            'own-request',
            verb === 'approve'
              ? `You requested this ${pending!.action}; someone else from ${
                  pending!.group
                } must approve it`
              : `You requested this ${
                  pending!.action
                }; withdraw it instead of rejecting it`,
          ),
      );
    const actions: ComponentActions['actions'] = {
      deploy: first(
        notProvisioned,
        perm['deployment.create'],
        window,
        waiting(pending, name),
      ),
      promote: first(
        notProvisioned,
        !target &&
          no(
            'no-promotion-target',
            `${name} is the last stage of its pipeline; there is nothing to promote to`,
          ),
        target && provisioned(target.name, to),
        to && this.tierGap(env!, to),
        promotePerm,
        to && this.window(to),
        waiting(pendingTo, target?.name ?? ''),
        notDeployed('nothing to promote'),
      ),
      rollback: first(
        notProvisioned,
        perm['deployment.rollback'],
        window,
        waiting(pending, name),
        notDeployed('nothing to roll back to'),
        current &&
          !previous &&
          no(
            'nothing-to-roll-back',
            `${short(ref)} has only ever run release ${
              current.releaseId
            } in ${name}; there is nothing to roll back to`,
          ),
      ),
      restart: first(
        notProvisioned,
        perm['deployment.operate'],
        notDeployed('nothing to restart'),
      ),
      scale: first(
        notProvisioned,
        perm['deployment.operate'],
        notDeployed('nothing to scale'),
        maxReplicas !== undefined &&
          maxReplicas === 0 &&
          (current?.replicas ?? 1) === 0 &&
          no(
            'quota',
            `The quota of ${name} has no room for a pod of ${short(ref)}`,
          ),
      ),
      approve: decide('approve'),
      reject: decide('reject'),
      withdraw: first(
        notProvisioned,
        nothingPending,
        pending &&
          !mine &&
          no(
            'not-requester',
            `Only ${pending.requestedBy}, who requested it, may withdraw this ${pending.action}`,
          ),
      ),
      configUpdate: first(notProvisioned, perm['config.update']),
      secretUpdate: first(notProvisioned, perm['secret.update']),
    };
    return {
      component: ref,
      environment: name,
      actions,
      ...(target && { promotesTo: target.name }),
      ...(pending && {
        pendingApproval: {
          id: pending.id,
          requestedBy: pending.requestedBy,
          action: pending.action,
        },
      }),
      ...(maxReplicas !== undefined && { maxReplicas }),
      paused,
    };
  }

  /** Actions on an environment. */
  async forEnvironment(
    actor: Actor,
    environment: unknown,
  ): Promise<EnvironmentActions> {
    const name = assertDnsLabel(environment, 'name');
    await this.canRead(actor, 'environment.read', name);
    const env = await this.deps.environments.getEnvironment(name);
    const live: DeploymentRevision[] = env
      ? (await this.deps.deployments.listCurrentIn(name)).filter(
          r => r.action !== 'remove',
        )
      : [];
    const notProvisioned = provisioned(name, env);
    const perm = env
      ? await this.explain(actor, env, [
          'deployment.operate',
          'environment.delete',
          'environment.update',
          'config.update',
          'secret.update',
        ])
      : {};
    const [create] = await this.deps.authorizer.authorize(
      actor,
      'environment.create',
    );
    const state = pauseState(live);
    const pausable =
      env &&
      !PAUSABLE_TIERS.includes(env.tier) &&
      no(
        'not-pausable',
        `${name} is a ${env.tier} environment; only ${PAUSABLE_TIERS.join(
          ' and ',
        )} environments are paused and resumed`,
      );
    const maxTtl =
      env && maxTtlOf(this.typeOf(env), env, this.deps.clock.now());
    return {
      environment: name,
      provisioned: !notProvisioned,
      actions: {
        provision: first(
          env &&
            env.phase !== 'Failed' &&
            no('already-provisioned', `${name} is already provisioned`),
          !create &&
            no(
              'forbidden',
              `${actor.ref} is not allowed to provision environments`,
            ),
        ),
        pause: first(
          notProvisioned,
          perm['deployment.operate'],
          pausable,
          state.alreadyPaused && no('paused', `${name} is already paused`),
          state.running.length === 0 &&
            !state.alreadyPaused &&
            no(
              'not-deployed',
              `Nothing runs in ${name}; there is nothing to pause`,
            ),
        ),
        resume: first(
          notProvisioned,
          perm['deployment.operate'],
          pausable,
          state.notPaused && no('not-paused', `${name} is not paused`),
        ),
        delete: first(notProvisioned, perm['environment.delete']),
        extend: first(
          notProvisioned,
          perm['environment.update'],
          env &&
            !env.expiresAt &&
            no(
              'no-expiry',
              `${name} does not expire; there is nothing to extend`,
            ),
        ),
        configUpdate: first(notProvisioned, perm['config.update']),
        secretUpdate: first(notProvisioned, perm['secret.update']),
      },
      workloads: live.map(r => ({
        component: r.component,
        replicas: r.replicas ?? 1,
        paused: isPaused(r),
      })),
      ...(maxTtl && { maxTtl }),
    };
  }

  /**
   * The promotion pipelines of the environments the actor may read
   * (optionally of one system): stages in order and each one's target.
   */
  async pipelines(actor: Actor, query: unknown): Promise<PromotionPipeline[]> {
    const q = asObject(query ?? {});
    checkBody(q, ['system'], {
      system: v =>
        v === undefined ||
        (typeof v === 'string' &&
          /^(system:)?([a-z0-9_.-]+\/)?[a-z0-9_.-]+$/i.test(v))
          ? undefined
          : 'system must be a system name or ref such as "payments"',
    });
    const all = await this.deps.environments.listEnvironments();
    const readable = await permittedOnly(
      this.deps.authorizer,
      actor,
      'environment.read',
      all,
    );
    const visible = new Set(readable.map(e => e.name));
    return this.deps.pipelines
      .pipelines(readable, q.system ? { system: q.system as string } : {}, all)
      .map(p => ({
        ...p,
        stages: p.stages.map(({ promotesTo, promotesToSource, ...stage }) =>
          promotesTo && visible.has(promotesTo)
            ? { ...stage, promotesTo, promotesToSource }
            : stage,
        ),
      }));
  }

  /** Permission of each action on `env`, refusals with the policy's reason. */
  private async explain(
    actor: Actor,
    env: EnvironmentRecord,
    actions: StagecraftAction[],
  ): Promise<Partial<Record<StagecraftAction, ActionState>>> {
    const requests = actions.map(action => ({
      action,
      verb: VERBS[action] ?? action,
    }));
    const answers = this.deps.authorizer.explain
      ? await this.deps.authorizer.explain(actor, requests, env)
      : (
          await Promise.all(
            requests.map(r =>
              this.deps.authorizer.authorize(actor, r.action, [env.name]),
            ),
          )
        ).map(([allowed], i) => ({
          allowed,
          message: `${actor.ref} is not allowed to ${requests[i].verb} ${env.name}`,
        }));
    return Object.fromEntries(
      actions.map((a, i) => [
        a,
        answers[i].allowed
          ? ok
          : no(
              'forbidden',
              answers[i].message ??
                `${actor.ref} is not allowed to ${requests[i].verb} ${env.name}`,
            ),
      ]),
    );
  }

  private window(env: EnvironmentRecord): ActionState | undefined {
    const state = windowState(
      this.deps.policyFor(env).windows,
      this.deps.clock.now(),
    );
    if (state.open) return undefined;
    const at = state.nextAt.toISOString();
    return no(
      'window-closed',
      `${env.name} is outside its deployment windows; the next one opens at ${at}`,
      { nextAllowedAt: at },
    );
  }

  /** The promote use case refuses going down a tier or skipping one. */
  private tierGap(from: EnvironmentRecord, to: EnvironmentRecord) {
    const gap =
      ENVIRONMENT_TIERS.indexOf(to.tier) - ENVIRONMENT_TIERS.indexOf(from.tier);
    if (gap >= 0 && (gap <= 1 || this.deps.allowTierSkip)) return undefined;
    return no(
      'no-promotion-target',
      gap < 0
        ? `${from.name} (${from.tier}) cannot promote down to ${to.name} (${to.tier})`
        : `Promoting from ${from.name} (${from.tier}) to ${to.name} (${to.tier}) skips a tier`,
    );
  }

  private async pendingOf(component: string, environment: string) {
    const [pending] = await this.deps.approvals.listApprovals({
      component,
      environment,
      state: 'pending',
    });
    return pending;
  }

  private typeOf(env: EnvironmentRecord) {
    return this.deps.types.find(t => t.name === env.type);
  }

  private async canRead(actor: Actor, action: StagecraftAction, name: string) {
    await authorizeOrThrow(
      this.deps,
      actor,
      action,
      name,
      { targetKind: 'environment', target: name },
      `${actor.ref} is not allowed to read environment "${name}"`,
    );
  }
}
