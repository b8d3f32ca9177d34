// @ts-check

/**
 * Environments Stagecraft provisions, and the audit trail of every change.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('stagecraft_environments', table => {
    table.comment('Environments provisioned by Stagecraft');
    table.string('name', 63).primary().notNullable();
    table.string('cluster', 63).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('type', 63).notNullable();
    table.string('tier', 16).notNullable();
    table.string('owner', 255).notNullable();
    table.string('phase', 16).notNullable();
    table.string('expires_at', 32).nullable().comment('RFC 3339, previews');
    table.text('record').notNullable().comment('The whole record as JSON');
    table.unique(['cluster', 'namespace']);
    table.index(['expires_at'], 'stagecraft_environments_expires_at_idx');
  });
  await knex.schema.createTable('stagecraft_audit_events', table => {
    table.comment(
      'Every change Stagecraft made or refused, never with secret values',
    );
    table.bigIncrements('id').primary();
    table.string('at', 32).notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 64).notNullable();
    table.string('target_kind', 32).notNullable();
    table.string('target', 255).notNullable();
    table.string('outcome', 16).notNullable();
    table.text('details').nullable();
    table.text('error').nullable();
    table.index(
      ['target_kind', 'target'],
      'stagecraft_audit_events_target_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('stagecraft_audit_events');
  await knex.schema.dropTable('stagecraft_environments');
};
