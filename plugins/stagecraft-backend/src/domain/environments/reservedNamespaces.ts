import {
  FieldError,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';

/**
 * Namespace names and prefixes no environment may take, whoever asks: those
 * of Kubernetes itself, of common distributions and of the controllers a
 * platform runs. A pattern ending in `*` is a prefix.
 */
export const DEFAULT_RESERVED_NAMESPACES: ReadonlyArray<{
  pattern: string;
  why: string;
}> = [
  { pattern: 'default', why: "Kubernetes' default namespace" },
  { pattern: 'kube-*', why: 'namespaces of Kubernetes itself' },
  { pattern: 'openshift', why: 'namespaces of OpenShift' },
  { pattern: 'openshift-*', why: 'namespaces of OpenShift' },
  { pattern: 'stagecraft-system', why: 'the namespace Stagecraft runs in' },
  {
    pattern: 'stagecraft-gitops',
    why: "the namespace of Stagecraft's Flux objects (GitOps delivery)",
  },
  { pattern: 'flux-system', why: 'the namespace of Flux' },
  { pattern: 'argocd', why: 'the namespace of Argo CD' },
  { pattern: 'cert-manager', why: 'the namespace of cert-manager' },
  { pattern: 'ingress-nginx', why: 'the namespace of ingress-nginx' },
  { pattern: 'istio-system', why: 'the namespace of Istio' },
  { pattern: 'gatekeeper-system', why: 'the namespace of Gatekeeper' },
  { pattern: 'kyverno', why: 'the namespace of Kyverno' },
  { pattern: 'crossplane-system', why: 'the namespace of Crossplane' },
  { pattern: 'monitoring', why: 'the namespace of the monitoring stack' },
];

/** One reserved name or prefix, and why it is reserved. */
export interface ReservedNamespace {
  pattern: string;
  why: string;
}

/**
 * The reserved namespaces of one backend: the defaults, the backend's own
 * namespace when it runs in a cluster, and `stagecraft.reservedNamespaces`.
 */
export class ReservedNamespaces {
  private readonly rules: ReservedNamespace[];

  constructor(extra: ReadonlyArray<ReservedNamespace> = []) {
    const seen = new Set<string>();
    this.rules = [...DEFAULT_RESERVED_NAMESPACES, ...extra].filter(r => {
      const fresh = !seen.has(r.pattern);
      seen.add(r.pattern);
      return fresh;
    });
  }

  /** The rule `name` falls under, if any. */
  match(name: string): ReservedNamespace | undefined {
    return this.rules.find(r =>
      r.pattern.endsWith('*')
        ? name.startsWith(r.pattern.slice(0, -1))
        : name === r.pattern,
    );
  }

  /** Throws a 400 naming each field whose value is reserved, and the rule. */
  assertFree(fields: Record<string, string | undefined>): void {
    const errors: FieldError[] = [];
    for (const [field, value] of Object.entries(fields)) {
      const rule = value === undefined ? undefined : this.match(value);
      if (rule) {
        errors.push({
          field,
          message: `${field} "${value}" is reserved (rule "${rule.pattern}": ${rule.why}); choose another name`,
        });
      }
    }
    if (errors.length) throw new InputError(errors);
  }
}
