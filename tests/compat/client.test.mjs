// The official client @goauthentik/api against a live Warden: `node --test client.test.mjs`.
//
// Uses the server named by WARDEN_URL and WARDEN_TOKEN (run.mjs starts one for every check); otherwise starts
// its own from the Release build (src/Warden/bin/Release/net10.0/warden.dll) and stops it at the end.
//
// Each API area is one module in areas/ (root.mjs, schema.mjs, core.mjs, rbac.mjs, flows.mjs, stages.mjs,
// events.mjs, enterprise.mjs ...), named after the client class it drives. A module's default export receives
// the context (lib/context.mjs) and declares its tests with node:test's describe/test. Adding a file there is
// all it takes: this runner loads every module in areas/.
import fs from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createContext } from './lib/context.mjs';
import { startWarden } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const server = process.env.WARDEN_URL
  ? { url: process.env.WARDEN_URL.replace(/\/$/, ''), token: process.env.WARDEN_TOKEN, password: process.env.WARDEN_PASSWORD, stop: async () => {} }
  : await startWarden();
const context = createContext(server);

after(async () => {
  if (process.env.COMPAT_REQUESTS_FILE) {
    fs.writeFileSync(process.env.COMPAT_REQUESTS_FILE, JSON.stringify(context.requests));
  }
  await server.stop();
});

const areas = fs.readdirSync(path.join(here, 'areas')).filter((f) => f.endsWith('.mjs')).sort();
for (const file of areas) {
  const area = await import(pathToFileURL(path.join(here, 'areas', file)).href);
  area.default(context);
}
