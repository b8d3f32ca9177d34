// @ts-check

/**
 * Versioned configuration values per scope (an environment, or a component in
 * an environment). Secret values are never stored here.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('stagecraft_config_versions', table => {
    table.comment('Every version of the configuration values of a scope');
    table.bigIncrements('id').primary();
    table.string('scope', 320).notNullable();
    table.integer('version').notNullable();
    table.string('at', 32).notNullable();
    table.text('record').notNullable().comment('The version as JSON');
    table.unique(['scope', 'version']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('stagecraft_config_versions');
};
