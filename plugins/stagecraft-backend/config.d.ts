import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Stagecraft: environments and deployments on your own clusters. */
  stagecraft?: {
    /**
     * Environment types offered to developers. Each belongs to a tier; per-type
     * defaults (quota, limits, pod security, TTL) are added by later versions.
     * Defaults to one type per tier (preview, development, staging, production).
     * @visibility frontend
     */
    environmentTypes?: Array<{
      /** Type name, a DNS-1123 label, e.g. `development` or `staging-eu`. @visibility frontend */
      name: string;
      /** One of preview, development, staging, production. @visibility frontend */
      tier: 'preview' | 'development' | 'staging' | 'production';
      /** Human-readable description. @visibility frontend */
      description?: string;
      /** ResourceQuota of the namespace (defaults per tier). */
      quota?: { cpu?: string; memory?: string; pods?: number };
      /** LimitRange container defaults. */
      limits?: {
        defaultRequest?: { cpu?: string; memory?: string };
        default?: { cpu?: string; memory?: string };
      };
      /** Pod Security admission; level defaults to restricted, version is pinned (e.g. v1.33). */
      podSecurity?: {
        level?: 'privileged' | 'baseline' | 'restricted';
        version?: string;
      };
      /** default-deny (deny all, allow same namespace and DNS) or none. */
      networkPolicy?: 'default-deny' | 'none';
      /** TTL of new environments of this type, e.g. "72h" (previews default to 72h). @visibility frontend */
      defaultTtl?: string;
      /** The longest an environment of this type may live from now, e.g. "7d"; extending beyond it is refused. @visibility frontend */
      maxTtl?: string;
      /** Position in the promotion pipeline (defaults by tier). @visibility frontend */
      order?: number;
      /**
       * Ingress host of a component, e.g. "{component}.{environment}.apps.example.com";
       * components with service ports get an Ingress. No Ingress when unset.
       * @visibility frontend
       */
      ingressHostPattern?: string;
      /**
       * Ways a Service in environments of this type may expose traffic
       * beyond the cluster: `loadBalancer` (with loadBalancerSourceRanges),
       * `nodePort`, `externalName`. Default none: cluster-internal Services
       * only. `spec.externalIPs` is refused whatever this says.
       */
      expose?: Array<'loadBalancer' | 'nodePort' | 'externalName'>;
      /**
       * Configuration values (environment variables) every environment of this
       * type starts from; environments and components override them.
       */
      config?: { [key: string]: string | number | boolean };
      /**
       * Deploys, promotions and rollbacks into environments of this type
       * become pending requests that `required` members of `group` (never
       * the requester) approve.
       * @visibility frontend
       */
      approvals?: {
        /** How many approvals (default 1). @visibility frontend */
        required?: number;
        /** Group ref of the approvers, e.g. group:default/platform. @visibility frontend */
        group: string;
      };
      /**
       * When changes may happen: each window starts by `cron` and lasts
       * `duration` (e.g. "0 9 * * 1-4" for "7h", timeZone Europe/Berlin).
       * Outside every window changes are refused with the next opening.
       * @visibility frontend
       */
      deployWindows?: Array<{
        cron: string;
        duration: string;
        timeZone?: string;
      }>;
      /**
       * How changes reach environments of this type: `apply` (default,
       * Stagecraft's server-side apply) or `gitops` (a commit per revision
       * in `gitops.repository`, applied by Flux). @visibility frontend
       */
      delivery?: 'apply' | 'gitops';
      /** Settings of `delivery: gitops` (see docs/gitops.md). */
      gitops?: {
        /** HTTPS clone URL; credentials come from `integrations.*` (github, gitlab, gitea, bitbucketServer). */
        repository: string;
        /** Default main. */
        branch?: string;
        /** Folder of an environment, with {cluster} and {environment}; default "{cluster}/{environment}". */
        path?: string;
        /** Flux's interval for the GitRepository and the Kustomization, default "1m". */
        interval?: string;
        /** Namespace of the Flux objects, default stagecraft-gitops (Stagecraft labels it as managed). */
        namespace?: string;
        /** A Secret there that Flux reads the repository with (e.g. a read-only deploy key); default: one per environment from the integration's credentials. */
        secretName?: string;
      };
    }>;
    /** Prices for the estimated monthly cost of what environments request. */
    cost?: {
      /** e.g. EUR. */
      currency: string;
      /** Price of one CPU core requested for an hour. */
      cpuHour: number;
      /** Price of one GiB of memory requested for an hour. */
      memoryGiBHour: number;
    };
    /** Bounds of the Logs view (`GET /components/{ref}/logs`). */
    logs?: {
      /** Log follows (live streams) one user may have open at once. Default 5. */
      maxFollowsPerUser?: number;
      /** Log follows one backend serves at once. Default 50. */
      maxFollows?: number;
      /** Longer lines are cut to this many bytes (`truncated: true`). Default 8192. */
      maxLineBytes?: number;
      /** A follow sending more than this many bytes in a second is cut (a notice, then end). Default 262144. */
      maxBytesPerSecond?: number;
      /** Lines per container when the query has no tailLines. Default 500. */
      defaultTailLines?: number;
      /** The largest tailLines accepted. Default 10000. */
      maxTailLines?: number;
    };
    /**
     * Notifications through Backstage's notifications service: approval
     * requests to the approver group, decisions to the requester, failed
     * rollouts to the component's owner, previews expiring within 24 h to
     * their owner. Default true; without the notifications plugin in the
     * backend, sends fail softly (a warning in the log).
     */
    notifications?: {
      enabled?: boolean;
    };
    /**
     * Review apps: a GitHub pull request (opened, reopened, synchronize) on
     * the repository of a catalog Component (its `github.com/project-slug`
     * annotation, or a `backstage.io/source-location` in the repository)
     * creates the preview environment `<component>-pr-<number>`, owned by the
     * component's owner, and deploys `image`; `closed` deletes it. Needs the
     * events backend with `@backstage/plugin-events-backend-module-github` and
     * `events.modules.github.webhookSecret` (without a secret the module
     * verifies nothing, and review apps stay off).
     */
    reviewApps?: {
      /** Default true when the block is present. */
      enabled?: boolean;
      /** A preview-tier environment type (default: the first preview-tier type). */
      environmentType?: string;
      /**
       * The image the pull request's CI pushed; `{component}`, `{number}`,
       * `{sha}`, `{shortSha}`, `{branch}`, `{owner}`, `{repo}` are replaced,
       * e.g. `ghcr.io/acme/{component}:pr-{number}-{shortSha}`.
       */
      image: string;
      /** TTL of review environments, e.g. `7d` (the type's maximum applies). */
      ttl?: string;
      /**
       * Comment on the pull request where its review app runs (one comment,
       * kept up to date) through the GitHub integration of the repository's
       * host (`integrations.github`); default true.
       */
      comments?: boolean;
    };
    /** The preview reaper, a scheduled task that deletes expired environments. */
    reaper?: {
      /** How often it runs, in seconds (default 60). */
      frequencySeconds?: number;
    };
    /** Promotion along the pipeline. */
    promotion?: {
      /** Allow promoting across more than one tier, e.g. development → production (default false). */
      allowTierSkip?: boolean;
    };
    /**
     * The offline publish target of the software templates: generated files
     * stored by Stagecraft and served (without a token, read-only) at
     * /api/stagecraft/sources/<repo>/<path> for the catalog to register.
     * For local demos without a reachable SCM; off by default.
     */
    localSources?: {
      enabled?: boolean;
    };
    /**
     * The shipped example permission policy (stagecraftExamplePolicyModule):
     * owners change preview/development/staging environments, production
     * needs the platform group, everyone reads.
     */
    examplePolicy?: {
      /** Off: the module allows every permission (create-app's default). */
      enabled?: boolean;
      /** Entity ref of the platform group, e.g. group:default/platform. */
      platformGroup?: string;
      /** Scaffolder actions only the platform group may run (default stagecraft:apply and its alias kubernetes:apply). */
      platformOnlyActions?: string[];
    };
    /** The guarded apply (`POST /environments/:name/apply`, scaffolder `stagecraft:apply`). */
    apply?: {
      /**
       * Kinds that may be applied, as `Kind` (core group) or `Kind.group`,
       * e.g. ConfigMap, Service, Deployment.apps. Empty or absent allows
       * nothing. Namespaces, RBAC, quotas, policies and cluster-scoped kinds
       * are refused whatever this says.
       */
      allowedKinds?: string[];
    };
    /**
     * Infrastructure workloads request (Score `resources`): which driver
     * provisions a resource type where. Backend modules may add drivers and
     * definitions through `stagecraftResourcesExtensionPoint`.
     */
    resources?: {
      /** How long a deploy waits for its resources to be ready, in seconds (default 180). */
      readyTimeoutSeconds?: number;
      /**
       * Resource definitions: a `type` (and optional criteria) → a driver and
       * its params. The most specific match wins (class, then environment,
       * component, environment type); no match refuses the deploy. Templates
       * in params are written `{{ name }}`, `{{ namespace }}`,
       * `{{ environment }}`, `{{ params.<key> }}`.
       */
      definitions?: Array<{
        /** A name for messages and listings. */
        id?: string;
        /** Score resource type, e.g. postgres. */
        type: string;
        /** Only requests of this Score class. */
        class?: string;
        /** Only environments of this type (stagecraft.environmentTypes[].name). */
        environmentType?: string;
        /** Only this environment. */
        environment?: string;
        /** Only this component, e.g. component:default/checkout. */
        component?: string;
        /** manifests, claim, existing, or a driver added by a module. */
        driver: string;
        /**
         * The driver's params. manifests: `template` (postgres, mysql,
         * mongodb, redis, amqp, kafka-topic, s3, volume, route, dns,
         * service-port, environment; see docs/score.md) or
         * `manifests` + `secret` + `outputs`; claim: `apiVersion`, `kind`,
         * `spec`, `connectionSecret`, `outputs`; existing: `secretName`,
         * `configMapName`, `outputs`. All: `defaults` (the params a
         * workload may set).
         */
        params?: { [key: string]: any };
      }>;
    };
    /** How long deleting an environment waits for its namespace to go, in seconds (default 180). */
    deleteTimeoutSeconds?: number;
    /**
     * Namespace names (or prefixes ending in `*`) no new environment may take,
     * added to the defaults: `default`, `kube-*`, `openshift`, `openshift-*`,
     * `stagecraft-system`, `stagecraft-gitops`, and the namespaces of common platform controllers
     * (Flux, Argo CD, cert-manager, ingress-nginx, Istio, Gatekeeper, Kyverno,
     * Crossplane, monitoring). The namespace the backend runs in (from its
     * service account) is added when it runs in a cluster.
     */
    /**
     * How an environment's owner is named as the subject of its namespace's
     * RoleBinding (ClusterRole `edit`): match it to how the cluster
     * authenticates people. `map` names owners one by one (`owner` an entity
     * ref, `kind`, `name`); `group` / `user`
     * are templates with {name}, {namespace} and {ref} (e.g. `oidc:{name}`
     * for an API server with `--oidc-groups-prefix=oidc:`). Without them the
     * subject is the entity's name (`payments` for `group:default/payments`).
     */
    ownerSubjects?: {
      group?: string;
      user?: string;
      map?: Array<{ owner: string; kind: 'Group' | 'User'; name: string }>;
    };
    /**
     * A new environment's owner must be a Group or User entity of the catalog
     * (default true); a missing owner is a 400 naming `owner`.
     */
    requireCatalogOwners?: boolean;
    reservedNamespaces?: Array<string | { pattern: string; reason?: string }>;
    /**
     * Clusters Stagecraft may write to. When absent, the clusters of
     * `kubernetes.clusterLocatorMethods` (type `config`) are used, so one cluster
     * list serves both Stagecraft and the stock Kubernetes plugin.
     * Cluster targets come only from here, never from catalog input.
     */
    clusters?: Array<{
      /** Cluster name referenced by Environment `spec.cluster`. */
      name: string;
      /** API server URL, e.g. https://127.0.0.1:6443 (optional when a kubernetes cluster of this name or the kubeconfig gives it). */
      url?: string;
      /**
       * Bearer token of Stagecraft's service account on that cluster.
       * @visibility secret
       */
      serviceAccountToken?: string;
      /**
       * PEM CA bundle, base64-encoded, to verify the API server.
       * @visibility secret
       */
      caData?: string;
      /** Path of a PEM CA file to verify the API server. */
      caFile?: string;
      /**
       * A file holding the bearer token (a projected service-account token),
       * re-read when it changes. Without any credential: the pod's mounted
       * token (/var/run/secrets/kubernetes.io/serviceaccount), in-cluster.
       */
      serviceAccountTokenFile?: string;
      /** Client certificate, base64 PEM (or clientCertFile, re-read per connection). */
      clientCertData?: string;
      /** @visibility secret */
      clientKeyData?: string;
      clientCertFile?: string;
      clientKeyFile?: string;
      /** A kubeconfig file (exec credential plugins: aws eks get-token, gke-gcloud-auth-plugin, kubelogin). */
      kubeconfig?: string;
      /** The kubeconfig's context (default: its current-context). */
      kubeconfigContext?: string;
      /** A Backstage auth strategy (aws, azure, googleServiceAccount, or a module's). */
      authProvider?: string;
      /** Skip TLS verification (development only). */
      skipTLSVerify?: boolean;
      /**
       * Time budget of one call to this cluster, retries included, in seconds
       * (default 30). A slow or dead cluster fails its own calls within it
       * while the other clusters answer.
       */
      timeoutSeconds?: number;
    }>;
    /**
     * Clusters declared in the catalog (`kubernetes.clusterLocatorMethods`
     * type `catalog`): only `kubernetes-cluster` Resources owned by these
     * owners (and, when set, ingested from these locations) are clusters.
     */
    catalogClusters?: {
      /** Owner entity refs; default: examplePolicy.platformGroup. */
      allowedOwners?: string[];
      /** Prefixes of the entity's origin location, e.g. url:https://github.com/acme/platform/. */
      allowedLocations?: string[];
      /** How often the catalog is read, in seconds (default 10). */
      refreshSeconds?: number;
    };
    /** Timeout of one cluster probe in `GET /health`, in milliseconds (default 3000). */
    healthTimeoutMs?: number;
  };
  /** Backstage search. */
  search?: {
    collators?: {
      /** Stagecraft's environment collator (`stagecraftSearchModule`). */
      stagecraft?: {
        /** When it indexes (default every 10 minutes, 3 s after start). */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** Where a result links to (default `/catalog/:namespace/environment/:name`). */
        locationTemplate?: string;
      };
    };
  };
}
