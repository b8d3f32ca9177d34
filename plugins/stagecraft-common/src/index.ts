/**
 * Isomorphic Stagecraft types: the Environment kind and its schema, the API
 * types, permissions, label and annotation constants, name validation.
 *
 * @packageDocumentation
 */
export * from './constants';
export * from './names';
export * from './environment';
export * from './environments';
export * from './deployments';
export * from './health';
export * from './permissions';
export * from './resources';
export * from './operations';
export * from './actions';
export * from './logs';
export * from './api';
