// One Warden, every compatibility check: start the server (lib/server.mjs), compare its OpenAPI document with
// authentik's (schema-check.mjs), run the official client against it (client.test.mjs) and the comparer's own
// tests, stop the server, and print one summary line. Exit status 1 on any failure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSchema, loadAuthentikSchema } from './schema-check.mjs';
import { operationMatcher } from './lib/schema-diff.mjs';
import { startWarden } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const started = Date.now();
const server = await startWarden();
console.log(`compat: Warden (pid ${server.pid}) ready at ${server.url} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
const stopOnSignal = async () => {
  await server.stop();
  process.exit(130);
};
process.on('SIGINT', stopOnSignal);
process.on('SIGTERM', stopOnSignal);

let ok = true;
try {
  const authentik = loadAuthentikSchema();
  let schema;
  const schemaStarted = Date.now();
  try {
    schema = await checkSchema({ url: server.url, authentik });
  } catch (error) {
    console.log(`schema-check: ${error.message}`);
    schema = { ok: false, identical: 0, allowed: 0, served: [] };
  }
  ok &&= schema.ok;
  console.log(`compat: schema check took ${((Date.now() - schemaStarted) / 1000).toFixed(1)} s (with reading authentik's schema.yml)`);

  const testsStarted = Date.now();
  const requestsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'warden-compat-run-')), 'requests.json');
  const tests = spawnSync(
    process.execPath,
    ['--test', '--test-reporter=spec', '--test-timeout=120000', 'client.test.mjs', 'lib/schema-diff.test.mjs'],
    {
      cwd: here,
      stdio: 'inherit',
      env: { ...process.env, WARDEN_URL: server.url, WARDEN_TOKEN: server.token, WARDEN_PASSWORD: server.password, COMPAT_REQUESTS_FILE: requestsFile },
    },
  );
  ok &&= tests.status === 0;
  console.log(`compat: client and comparer tests took ${((Date.now() - testsStarted) / 1000).toFixed(1)} s`);

  const requests = fs.existsSync(requestsFile) ? JSON.parse(fs.readFileSync(requestsFile, 'utf8')) : [];
  fs.rmSync(path.dirname(requestsFile), { recursive: true, force: true });
  const match = operationMatcher(authentik);
  const exercised = new Set(
    requests.map((r) => match(r.method, new URL(r.url).pathname.replace(/^\/api\/v3/, ''))).filter(Boolean),
  );
  const untested = schema.served.filter((id) => !exercised.has(id));
  if (untested.length) console.log(`compat: served but not exercised through the client: ${untested.join(', ')}`);
  console.log(`compat: done in ${((Date.now() - started) / 1000).toFixed(1)} s${ok ? '' : ' - FAILED'}`);
  console.log(
    `compat: ${exercised.size} operations exercised through @goauthentik/api, ${schema.identical} schema-identical, ${schema.allowed} allowed differences`,
  );
} finally {
  if (!ok) {
    console.log('compat: Warden log (last 40 lines):');
    console.log(server.log().split('\n').slice(-40).join('\n'));
  }
  await server.stop();
}
process.exit(ok ? 0 : 1);
