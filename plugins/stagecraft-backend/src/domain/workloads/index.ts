/**
 * Workloads: the Score-compatible workload spec, its placeholders, release
 * ids and the pure renderer that turns a workload into Kubernetes objects.
 */
export * from './spec';
export * from './placeholders';
export * from './render';
export {
  resolveFileSources,
  WORKLOAD_FILE_LIMITS,
  type SourceFileReader,
} from './files';
export { SCORE_SCHEMA } from './schema';
export { canonicalJson, contentHash } from './canonical';
