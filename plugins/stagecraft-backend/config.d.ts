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
    }>;
    /**
     * Clusters Stagecraft may write to. When absent, the clusters of
     * `kubernetes.clusterLocatorMethods` (type `config`) are used, so one cluster
     * list serves both Stagecraft and the stock Kubernetes plugin.
     * Cluster targets come only from here, never from catalog input.
     */
    clusters?: Array<{
      /** Cluster name referenced by Environment `spec.cluster`. */
      name: string;
      /** API server URL, e.g. https://127.0.0.1:6443. */
      url: string;
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
      /** Skip TLS verification (development only). */
      skipTLSVerify?: boolean;
    }>;
    /** Timeout of one cluster probe in `GET /health`, in milliseconds (default 3000). */
    healthTimeoutMs?: number;
  };
}
