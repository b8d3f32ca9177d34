// @ts-check

/**
 * Immutable releases (content-hashed) and the revision history of each
 * (component, environment) deployment.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('stagecraft_releases', table => {
    table.comment('Immutable releases; the id is a hash of their content');
    table.string('id', 32).primary().notNullable();
    table.string('component', 255).notNullable();
    table.string('created_at', 32).notNullable();
    table.text('record').notNullable().comment('The release as JSON');
    table.index(['component'], 'stagecraft_releases_component_idx');
  });
  await knex.schema.createTable('stagecraft_deployment_revisions', table => {
    table.comment('What ran where, when, deployed by whom');
    table.bigIncrements('id').primary();
    table.string('component', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.integer('revision').notNullable();
    table.string('release_id', 32).notNullable();
    table.string('at', 32).notNullable();
    table.text('record').notNullable().comment('The revision as JSON');
    table.unique(['component', 'environment', 'revision']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('stagecraft_deployment_revisions');
  await knex.schema.dropTable('stagecraft_releases');
};
