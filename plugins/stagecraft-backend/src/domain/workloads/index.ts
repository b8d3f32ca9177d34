/**
 * Workloads: the Score-compatible workload spec, its placeholders, release
 * ids and the pure renderer that turns a workload into Kubernetes objects.
 */
export * from './spec';
export * from './placeholders';
export * from './render';
export { canonicalJson, contentHash } from './canonical';
