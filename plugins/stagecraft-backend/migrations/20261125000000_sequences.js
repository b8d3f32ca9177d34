// @ts-check

/**
 * Per-key counters for numbered rows (deployment revisions, config
 * versions). The next number is taken with one atomic upsert inside the
 * transaction that inserts the row, so concurrent writers on PostgreSQL
 * (several backend replicas) wait for each other on the counter's row lock
 * instead of racing on max()+1: numbers are gap-free and never repeated, and
 * the unique (key, number) indexes stay as the last line of defence.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('stagecraft_sequences', table => {
    table.comment('The last number handed out per numbered sequence');
    table.string('key', 700).primary().notNullable();
    table.integer('value').notNullable();
  });
  // carry on from what is there
  const revisions = await knex('stagecraft_deployment_revisions')
    .select('component', 'environment')
    .max('revision as value')
    .groupBy('component', 'environment');
  const versions = await knex('stagecraft_config_versions')
    .select('scope')
    .max('version as value')
    .groupBy('scope');
  const rows = [
    ...revisions.map(r => ({
      key: `revision:${r.component}:${r.environment}`,
      value: Number(r.value),
    })),
    ...versions.map(r => ({
      key: `config:${r.scope}`,
      value: Number(r.value),
    })),
  ];
  for (let i = 0; i < rows.length; i += 200) {
    await knex('stagecraft_sequences').insert(rows.slice(i, i + 200));
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('stagecraft_sequences');
};
