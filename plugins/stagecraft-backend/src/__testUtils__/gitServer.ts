import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../../../..');
const script = path.join(root, 'dev/git/git-server.sh');

/**
 * The loopback Git server the test scripts start (`dev/git/git-server.sh
 * start`): its credentials, new repositories, and a clone to read what
 * Stagecraft committed with the git CLI.
 */
export function gitServer() {
  const run = (...args: string[]) =>
    execFileSync('bash', [script, ...args], { encoding: 'utf8' }).trim();
  const [username, password] = run('credentials').split(' ');
  const base = new URL(run('url'));
  const authHeader = `Authorization: Basic ${Buffer.from(
    `${username}:${password}`,
  ).toString('base64')}`;
  return {
    username,
    password,
    host: base.host,
    baseUrl: base.origin,
    /** A new bare repository; its clone URL (no credentials). */
    create: (name: string) => run('create', name),
    /** The backend's `integrations` block for this server (basic auth, as Gitea's). */
    integrations: () => ({
      gitea: [{ host: base.host, baseUrl: base.origin, username, password }],
    }),
    /** git in a fresh clone of `url` (the credentials in the environment, not in argv). */
    clone(url: string) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-clone-'));
      const env = {
        ...process.env,
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: authHeader,
        GIT_TERMINAL_PROMPT: '0',
      };
      const git = (...args: string[]) =>
        execFileSync(
          'git',
          [
            '-c',
            'user.name=Someone Else',
            '-c',
            'user.email=else@example.com',
            ...args,
          ],
          { cwd: dir, env, encoding: 'utf8' },
        ).trim();
      git('clone', '-q', url, '.');
      return {
        dir,
        git,
        pull: () => git('pull', '-q', '--ff-only'),
        read: (file: string) => fs.readFileSync(path.join(dir, file), 'utf8'),
        exists: (file: string) => fs.existsSync(path.join(dir, file)),
        write: (file: string, text: string) => {
          fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
          fs.writeFileSync(path.join(dir, file), text);
        },
        remove: () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    },
  };
}
