// Starts Warden as the README does (`dotnet warden.dll`), from the Release build, on a fresh SQLite data
// directory and a free loopback port, with the bootstrap token and password set. Never builds.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repositoryRoot = path.resolve(here, '../../..');
export const defaultDll = path.join(repositoryRoot, 'src/Warden/bin/Release/net10.0/warden.dll');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The environment of a Warden (server or command line) on the given SQLite data directory: the caller's
 * environment without its Database__* settings, then `extra` (configuration as environment variables).
 */
export function wardenEnvironment(dataDirectory, extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('Database__')));
  return Object.assign(env, {
    Database__Provider: 'sqlite',
    Database__DataDirectory: dataDirectory,
    DOTNET_NOLOGO: '1',
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
  }, extra);
}

/**
 * Returns { url, token, password, pid, dataDirectory, log(), stop() }. `env` adds configuration (environment
 * variables, e.g. `Enterprise__LicensePublicKeys__0`); `prefix` names the temporary data directory.
 * `stop()` ends the server by its process id and removes the data directory.
 */
export async function startWarden({ dll = process.env.WARDEN_DLL || defaultDll, timeoutMs = 90_000, env: extra = {}, prefix = 'warden-compat-' } = {}) {
  if (!fs.existsSync(dll)) {
    throw new Error(`${dll} does not exist: build first (dotnet build Warden.slnx -c Release)`);
  }
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const token = `compat-${randomBytes(16).toString('hex')}`;
  const password = `compat-${randomBytes(12).toString('hex')}`;

  // Only this server's database: drop any Database__* settings the caller's environment carries.
  const env = wardenEnvironment(dataDirectory, { AUTHENTIK_BOOTSTRAP_TOKEN: token, AUTHENTIK_BOOTSTRAP_PASSWORD: password, ...extra });
  const logPath = path.join(dataDirectory, 'warden.log');
  const logFile = fs.openSync(logPath, 'a');
  const child = spawn('dotnet', [dll, '--urls', url], { cwd: dataDirectory, env, stdio: ['ignore', logFile, logFile] });
  fs.closeSync(logFile);
  let exited = null;
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));
  const log = () => (fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8') : '');

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      process.kill(child.pid, 'SIGTERM');
      const done = await Promise.race([exit, sleep(15_000).then(() => null)]);
      if (!done && !exited) {
        process.kill(child.pid, 'SIGKILL');
        await exit;
      }
    }
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (exited) {
      const output = log();
      await stop();
      throw new Error(`Warden exited (${JSON.stringify(exited)}) before it was ready:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/-/health/ready/`);
      if (response.status === 204) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const output = log();
      await stop();
      throw new Error(`Warden was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(200);
  }
  return { url, token, password, pid: child.pid, dataDirectory, log, stop };
}
