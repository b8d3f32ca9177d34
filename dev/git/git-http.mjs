// Git's smart HTTP protocol on loopback for tests: every request is passed to
// `git http-backend` (CGI) after HTTP basic authentication. Started and
// stopped by git-server.sh; Node built-ins only.
//
//   node git-http.mjs   with GIT_PROJECT_ROOT (the bare repositories),
//   GIT_SERVER_PORT, GIT_SERVER_CREDENTIALS (a file holding "user:password")
//   and optionally GIT_HTTP_BACKEND (path of git-http-backend)
import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const root = required('GIT_PROJECT_ROOT');
const port = Number(required('GIT_SERVER_PORT'));
const credentials = readFileSync(
  required('GIT_SERVER_CREDENTIALS'),
  'utf8',
).trim();
const user = credentials.slice(0, credentials.indexOf(':'));
const expected = Buffer.from(
  `Basic ${Buffer.from(credentials).toString('base64')}`,
);
const backend =
  process.env.GIT_HTTP_BACKEND ?? '/usr/lib/git-core/git-http-backend';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`git-http: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

function authorized(header) {
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function log(req, status) {
  console.log(`${new Date().toISOString()} ${req.method} ${req.url} ${status}`);
}

const server = createServer((req, res) => {
  if (!authorized(req.headers.authorization)) {
    res
      .writeHead(401, { 'WWW-Authenticate': 'Basic realm="stagecraft-git"' })
      .end();
    log(req, 401);
    return;
  }
  const url = new URL(req.url, 'http://localhost');
  const env = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    // an authenticated user enables receive-pack (push)
    REMOTE_USER: user,
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
    AUTH_TYPE: 'Basic',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    REQUEST_METHOD: req.method,
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    // protocol v2 and gzip-compressed push bodies
    GIT_PROTOCOL: req.headers['git-protocol'] ?? '',
    HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
  };
  if (req.headers['content-length'])
    env.CONTENT_LENGTH = req.headers['content-length'];
  const child = spawn(backend, [], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  req.pipe(child.stdin);
  child.stdin.on('error', () => {}); // the backend may answer before reading all

  // CGI response: headers up to the first blank line, then the body
  let head = Buffer.alloc(0);
  let streaming = false;
  child.stdout.on('data', chunk => {
    if (streaming) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const text = head.toString('latin1');
    const match = /\r?\n\r?\n/.exec(text);
    if (!match) return;
    let status = 200;
    const headers = {};
    for (const line of text.slice(0, match.index).split(/\r?\n/)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = parseInt(value, 10);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    log(req, status);
    streaming = true;
    const body = head.subarray(
      Buffer.byteLength(text.slice(0, match.index + match[0].length), 'latin1'),
    );
    if (body.length) res.write(body);
  });
  child.on('close', code => {
    if (!streaming) {
      res.writeHead(502).end();
      log(req, `502 (git http-backend exited ${code})`);
      return;
    }
    res.end();
  });
  child.on('error', err => {
    console.error(`git-http: ${err.message}`);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});

server.listen(port, '127.0.0.1', () =>
  console.log(`git-http: serving ${root} on http://127.0.0.1:${port}/`),
);
for (const signal of ['SIGTERM', 'SIGINT'])
  process.on(signal, () => server.close(() => process.exit(0)));
