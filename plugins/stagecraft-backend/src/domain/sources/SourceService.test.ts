import knexFactory from 'knex';
import { DatabaseStore } from '../../store/DatabaseStore';
import type { AuditEvent } from '../ports';
import { SourceService } from './SourceService';

async function setup() {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const store = await DatabaseStore.create({ knex });
  const audits: AuditEvent[] = [];
  const service = new SourceService({
    store,
    auditor: { record: async e => void audits.push(e) },
    clock: {
      now: () => new Date('2026-11-24T10:00:00Z'),
      sleep: async () => {},
    },
  });
  return { service, audits };
}

const alice = { ref: 'user:default/alice' };

describe('SourceService (local publish target)', () => {
  it('publishes a repository as a whole, serves its files and audits it', async () => {
    const { service, audits } = await setup();
    await service.publish(alice, 'svc', {
      files: { 'catalog-info.yaml': 'a', 'src/old.js': 'x' },
    });
    const result = await service.publish(alice, 'svc', {
      files: { 'catalog-info.yaml': 'b', 'score.yaml': 'c' },
    });
    expect(result).toEqual({
      repo: 'svc',
      files: ['catalog-info.yaml', 'score.yaml'],
    });
    expect(await service.read('svc', 'catalog-info.yaml')).toBe('b');
    await expect(service.read('svc', 'src/old.js')).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    expect(audits.map(a => [a.action, a.target])).toEqual([
      ['source.publish', 'svc'],
      ['source.publish', 'svc'],
    ]);
  });

  it.each([
    [{ files: { '../etc/passwd': 'x' } }, 'file path "../etc/passwd"'],
    [{ files: { '/abs': 'x' } }, 'file path "/abs"'],
    [{ files: { 'a/./b': 'x' } }, 'file path "a/./b"'],
    [{ files: { ok: 42 } }, 'files.ok must be text'],
    [{ files: {} }, 'files must map 1 to 50'],
    [{ files: { a: 'x' }, extra: 1 }, 'extra is not a known field'],
  ])('refuses %j', async (body, message) => {
    const { service, audits } = await setup();
    await expect(service.publish(alice, 'svc', body)).rejects.toThrow(message);
    expect(audits).toEqual([]);
  });

  it('refuses bad repo names, services, and reads outside the repo', async () => {
    const { service } = await setup();
    await expect(
      service.publish(alice, 'Bad_Repo', { files: { a: 'x' } }),
    ).rejects.toThrow('repo "Bad_Repo" is not a valid DNS-1123 label');
    await expect(
      service.publish({ ref: 'service:catalog' }, 'svc', { files: { a: 'x' } }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(service.read('svc', '../../x')).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });
});
