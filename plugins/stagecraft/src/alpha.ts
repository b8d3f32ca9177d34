/**
 * Stagecraft frontend for the new frontend system: the plugin as the default
 * export (found by `app.packages: all`, or listed in `createApp({ features })`),
 * and its extensions.
 *
 * @packageDocumentation
 */
export { stagecraftPlugin as default } from './plugin';
export * from './extensions';
