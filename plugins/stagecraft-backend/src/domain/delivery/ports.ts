/**
 * How an environment type's changes reach its clusters. `apply` (no
 * settings): Stagecraft applies the rendered objects itself. `gitops`: each
 * change is a commit of the rendered objects in a Git repository, and Flux
 * (a `GitRepository` and a `Kustomization` per environment, made by
 * Stagecraft) applies them.
 */
export interface GitopsSettings {
  /** The repository's clone URL over HTTPS (credentials from `integrations.*`). */
  repository: string;
  /** The branch Stagecraft commits to and Flux follows. */
  branch: string;
  /**
   * Where an environment's objects live in the repository, with {cluster}
   * and {environment} replaced; each component is a folder below it.
   */
  path: string;
  /** How often Flux looks at the repository and re-applies, e.g. "1m". */
  interval: string;
  /** The namespace of the Flux objects (GitRepository, Kustomization, their ServiceAccount). */
  namespace: string;
  /**
   * A Secret in `namespace` Flux reads the repository with (e.g. a
   * read-only deploy key); without it Stagecraft writes one per environment
   * from the integration's credentials.
   */
  secretName?: string;
}

/** A commit's author: the acting user as the catalog knows them. */
export interface GitAuthor {
  name: string;
  email: string;
}

/** What one change writes into a repository. */
export interface GitChange {
  repository: string;
  branch: string;
  /**
   * Files by path from the repository's root, replacing whatever each
   * `replace` folder held; null removes a file.
   */
  files: Record<string, string | null>;
  /** Folders whose old contents go (the files above are written after). */
  replace: string[];
  message: string;
  author: GitAuthor;
}

/** A commit made (or, when nothing changed, the branch's head). */
export interface GitCommit {
  sha: string;
  /** False when the tree already held exactly these files: no commit was made. */
  committed: boolean;
}

/** One commit as the repository's log shows it. */
export interface GitLogEntry {
  sha: string;
  author: GitAuthor;
  message: string;
  at: string;
}

/**
 * Writes to Git repositories with the platform's own credentials (never a
 * token from a request). Commits to one repository are serialised, and a
 * push that lost a race is redone on the new head, so no commit is lost.
 */
export interface GitWriter {
  commit(change: GitChange): Promise<GitCommit>;
  /** Whether `sha` is `head` or one of its ancestors (false when either is unknown). */
  contains(repository: string, sha: string, head: string): Promise<boolean>;
  /**
   * Commits of the branch after `since` (newest first) that touched `path`,
   * up to `limit`; used to tell changes made outside Stagecraft.
   */
  log(
    repository: string,
    branch: string,
    options: { path: string; since: string; limit: number },
  ): Promise<GitLogEntry[]>;
  /** The username and password Flux may read the repository with. */
  readCredentials(
    repository: string,
  ): Promise<{ username: string; password: string }>;
}
