// @ts-check

/**
 * Resources provisioned per environment (infrastructure requested by
 * workloads) and which components asked for each. No output values, and
 * never a secret: outputs are recorded by name only.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('stagecraft_resources', table => {
    table.comment('Resources provisioned in environments');
    table.string('environment', 63).notNullable();
    table.string('name', 63).notNullable();
    table.string('key', 400).notNullable();
    table.string('type', 63).notNullable();
    table.string('driver', 100).notNullable();
    table.text('record').notNullable().comment('The resource as JSON');
    table.primary(['environment', 'name']);
  });
  await knex.schema.createTable('stagecraft_resource_consumers', table => {
    table.comment('Which component asked for which resource');
    table.string('environment', 63).notNullable();
    table.string('name', 63).notNullable();
    table.string('component', 320).notNullable();
    table.string('resource', 63).notNullable();
    table.string('actor', 320).notNullable();
    table.string('at', 32).notNullable();
    table.primary(['environment', 'name', 'component', 'resource']);
    table.index(['environment', 'component']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('stagecraft_resource_consumers');
  await knex.schema.dropTable('stagecraft_resources');
};
