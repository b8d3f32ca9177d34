// @ts-check

/**
 * Approval requests: deploys, promotions and rollbacks into protected
 * environments that wait for approvers (environment type `approvals`).
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('stagecraft_approvals', table => {
    table.comment('Deploys waiting for (or decided by) approvers');
    table.string('id', 64).primary().notNullable();
    table.string('component', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('state', 16).notNullable();
    table.string('requested_at', 32).notNullable();
    table.text('record').notNullable().comment('The request as JSON');
    table.index(['environment', 'state'], 'stagecraft_approvals_env_idx');
    table.index(['component', 'state'], 'stagecraft_approvals_cmp_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('stagecraft_approvals');
};
