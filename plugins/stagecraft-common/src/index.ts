/**
 * Isomorphic Stagecraft types: the Environment kind and its schema, label and
 * annotation constants, and Kubernetes name validation.
 *
 * @packageDocumentation
 */
export * from './constants';
export * from './names';
export * from './environment';
export * from './health';
