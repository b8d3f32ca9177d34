import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import type {
  GitChange,
  GitCommit,
  GitLogEntry,
  GitWriter,
} from '../domain/delivery/ports';
import type { GitCredentials } from './credentials';

/** Who commits: Stagecraft (the author is the acting user). */
export const STAGECRAFT_COMMITTER = {
  name: 'Stagecraft',
  email: 'stagecraft@stagecraft.invalid',
};

const PUSH_ATTEMPTS = 20;

/**
 * Git writes with isomorphic-git (the library Backstage's scaffolder uses
 * for git), over smart HTTP with the SCM integrations' credentials: a
 * working copy per repository in a private temporary folder, one change at
 * a time per repository; a push that lost a race (another replica, a person)
 * is redone on the fetched head, so concurrent changes all land.
 */
export class IsomorphicGitWriter implements GitWriter {
  private readonly root: string;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly fetchedAt = new Map<string, number>();
  private readonly branches = new Map<string, string>();

  constructor(
    private readonly credentials: GitCredentials,
    private readonly options: { fetchIntervalMs?: number; root?: string } = {},
  ) {
    this.root =
      options.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-git-'));
  }

  private dirOf(repository: string) {
    return path.join(
      this.root,
      createHash('sha256').update(repository).digest('hex').slice(0, 16),
    );
  }

  /** Runs `work` after every earlier piece of work on the same repository. */
  private serial<T>(repository: string, work: () => Promise<T>): Promise<T> {
    const before = this.locks.get(repository) ?? Promise.resolve();
    const run = before.then(work, work);
    const settled = run.catch(() => undefined);
    this.locks.set(repository, settled);
    settled.then(() => {
      if (this.locks.get(repository) === settled) this.locks.delete(repository);
    });
    return run;
  }

  private async auth(repository: string) {
    const c = await this.credentials.forRepository(repository);
    return () => ({ username: c.username, password: c.password });
  }

  /** The working copy, fetched: the remote branch's head, or undefined for an empty repository. */
  private async fetch(repository: string, branch: string) {
    const dir = this.dirOf(repository);
    if (!fs.existsSync(path.join(dir, '.git'))) {
      await fs.promises.mkdir(dir, { recursive: true });
      await git.init({ fs, dir, defaultBranch: branch });
      await git.addRemote({ fs, dir, remote: 'origin', url: repository });
    }
    const onAuth = await this.auth(repository);
    this.branches.set(repository, branch);
    try {
      const result = await git.fetch({
        fs,
        http,
        dir,
        url: repository,
        ref: branch,
        singleBranch: true,
        tags: false,
        onAuth,
      });
      this.fetchedAt.set(repository, Date.now());
      return { dir, head: result.fetchHead ?? undefined, onAuth };
    } catch (e) {
      // an empty repository has no branch to fetch yet
      if ((e as { code?: string }).code === 'NotFoundError') {
        return { dir, head: undefined, onAuth };
      }
      throw e;
    }
  }

  commit(change: GitChange): Promise<GitCommit> {
    return this.serial(change.repository, async () => {
      for (let attempt = 1; ; attempt++) {
        const { dir, head, onAuth } = await this.fetch(
          change.repository,
          change.branch,
        );
        const branchRef = `refs/heads/${change.branch}`;
        if (head) {
          await git.writeRef({
            fs,
            dir,
            ref: branchRef,
            value: head,
            force: true,
          });
          await git.checkout({ fs, dir, ref: change.branch, force: true });
        }
        const touched = await this.writeFiles(dir, change);
        const rows = await git.statusMatrix({ fs, dir, filepaths: touched });
        let changed = false;
        for (const [filepath, inHead, inWorkdir, inStage] of rows) {
          if (inHead === 1 && inWorkdir === 1 && inStage === 1) continue;
          changed = true;
          if (inWorkdir === 0) await git.remove({ fs, dir, filepath });
          else await git.add({ fs, dir, filepath });
        }
        if (!changed && head) return { sha: head, committed: false };
        const timestamp = Math.floor(Date.now() / 1000);
        const sha = await git.commit({
          fs,
          dir,
          ref: branchRef,
          message: change.message,
          author: { ...change.author, timestamp },
          committer: { ...STAGECRAFT_COMMITTER, timestamp },
        });
        try {
          const pushed = await git.push({
            fs,
            http,
            dir,
            remote: 'origin',
            ref: change.branch,
            onAuth,
          });
          if (!pushed.ok) throw new Error(pushed.error ?? 'push refused');
          return { sha, committed: true };
        } catch (e) {
          const code = (e as { code?: string }).code;
          // someone pushed first: redo the change on their head
          if (code !== 'PushRejectedError' || attempt >= PUSH_ATTEMPTS) {
            throw new Error(
              `pushing to ${change.repository} (${change.branch}) failed: ${
                (e as Error).message
              }`,
            );
          }
        }
      }
    });
  }

  /** Empties the `replace` folders, writes the files; the paths to stage. */
  private async writeFiles(dir: string, change: GitChange) {
    const inside = (p: string) => {
      const full = path.resolve(dir, p);
      if (!full.startsWith(`${path.resolve(dir)}${path.sep}`)) {
        throw new Error(`path ${p} is outside the repository`);
      }
      return full;
    };
    for (const folder of change.replace) {
      await fs.promises.rm(inside(folder), { recursive: true, force: true });
    }
    for (const [file, content] of Object.entries(change.files)) {
      const full = inside(file);
      if (content === null) {
        await fs.promises.rm(full, { force: true });
      } else {
        await fs.promises.mkdir(path.dirname(full), { recursive: true });
        await fs.promises.writeFile(full, content);
      }
    }
    return [...change.replace, ...Object.keys(change.files)];
  }

  /** Fetches at most once per interval, outside of commits. */
  private freshen(repository: string, branch: string) {
    const at = this.fetchedAt.get(repository) ?? 0;
    if (Date.now() - at < (this.options.fetchIntervalMs ?? 5000)) {
      return Promise.resolve();
    }
    return this.serial(repository, () => this.fetch(repository, branch)).then(
      () => undefined,
    );
  }

  async contains(repository: string, sha: string, head: string) {
    if (sha === head) return true;
    const dir = this.dirOf(repository);
    const known = async () =>
      git
        .isDescendent({ fs, dir, oid: head, ancestor: sha, depth: -1 })
        .catch(() => undefined);
    let answer = await known();
    const branch = this.branches.get(repository);
    if (answer === undefined && branch) {
      // a commit this replica has not fetched yet
      await this.freshen(repository, branch);
      answer = await known();
    }
    return answer ?? false;
  }

  async log(
    repository: string,
    branch: string,
    options: { path: string; since: string; limit: number },
  ): Promise<GitLogEntry[]> {
    await this.freshen(repository, branch);
    const dir = this.dirOf(repository);
    const commits = await git.log({
      fs,
      dir,
      ref: `refs/remotes/origin/${branch}`,
      depth: 200,
    });
    const out: GitLogEntry[] = [];
    for (const c of commits) {
      if (c.oid === options.since || out.length >= options.limit) break;
      if (c.commit.committer.email === STAGECRAFT_COMMITTER.email) continue;
      if (!(await this.touches(dir, c.oid, c.commit.parent[0], options.path))) {
        continue;
      }
      out.push({
        sha: c.oid,
        author: { name: c.commit.author.name, email: c.commit.author.email },
        message: c.commit.message,
        at: new Date(c.commit.committer.timestamp * 1000).toISOString(),
      });
    }
    return out;
  }

  /** Whether a commit changed anything under `folder` (against its first parent). */
  private async touches(
    dir: string,
    oid: string,
    parent: string | undefined,
    folder: string,
  ) {
    const treeOf = async (commit: string | undefined) => {
      if (!commit) return undefined;
      try {
        return (await git.readTree({ fs, dir, oid: commit, filepath: folder }))
          .oid;
      } catch {
        return undefined;
      }
    };
    return (await treeOf(oid)) !== (await treeOf(parent));
  }

  /** Removes the working copies (after the last change has finished). */
  async close() {
    await Promise.all([...this.locks.values()]);
    await fs.promises.rm(this.root, { recursive: true, force: true });
  }

  async readCredentials(repository: string) {
    return this.credentials.forRepository(repository);
  }
}
