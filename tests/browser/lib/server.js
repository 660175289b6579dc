// A real Warden for the browser tests: the Release build, started by the compatibility harness's startWarden()
// (fresh SQLite data directory, free loopback port, random bootstrap password and token, stopped by its pid), with
// an enterprise licence issued for this run, so the licensed pages and the account lockdown are on. Never builds.

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { defaultDll, repositoryRoot, startWarden, wardenEnvironment } from "../../compat/lib/server.mjs";

export const repoRoot = repositoryRoot;
export const serverDll = process.env.WARDEN_DLL || defaultDll;

const run = promisify(execFile);

/** `dotnet warden.dll <args>` with the given environment; resolves to its standard output, trimmed. */
async function warden(args, env) {
  try {
    const { stdout } = await run("dotnet", [serverDll, ...args], { env, encoding: "utf8", timeout: 120_000 });
    return stdout.trim();
  } catch (error) {
    throw new Error(`warden ${args.join(" ")} failed (${error.code}):\n${error.stdout ?? ""}${error.stderr ?? ""}`);
  }
}

/**
 * Starts Warden. Returns { url, token, password, pid, dataDirectory, log(), stop(), api(), cli() }.
 * With `licensed` (the default) a P-521 key pair is generated for the run, its public key is trusted through
 * Enterprise:LicensePublicKeys, and a licence for this installation is issued and installed through the API.
 * `env` adds configuration (e.g. `Blueprints__ApplyDefaults: "false"`).
 */
export async function startServer({ licensed = true, env = {} } = {}) {
  const keys = mkdtempSync(join(tmpdir(), "warden-browser-keys-"));
  try {
    const config = {
      // Cheap password hashes: these tests are about pages and flows, not hashing cost.
      Passwords__Iterations: "1000",
      ...env,
    };
    if (licensed) {
      await warden(["license", "keygen", "--private-key", join(keys, "private.pem"), "--public-key", join(keys, "public.pem")], process.env);
      config.Enterprise__LicensePublicKeys__0 = readFileSync(join(keys, "public.pem"), "utf8");
    }
    const server = await startWarden({ dll: serverDll, env: config, prefix: "warden-browser-" });
    const environment = wardenEnvironment(server.dataDirectory, config);

    /** One v3 API call with the bootstrap token (or `token`); resolves to { status, body }. */
    server.api = async (method, path, body, { token = server.token } = {}) => {
      const headers = { Accept: "application/json" };
      if (token) headers.Authorization = `Bearer ${token}`;
      if (body !== undefined) headers["Content-Type"] = "application/json";
      const response = await fetch(`${server.url}/api/v3${path}`, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual",
      });
      const text = await response.text();
      let parsed = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed };
    };
    /** The command line on this server's database and configuration, as an operator runs it beside the server. */
    server.cli = (...args) => warden(args, environment);

    try {
      if (licensed) {
        const installId = await server.api("GET", "/enterprise/license/install_id/");
        if (installId.status !== 200) throw new Error(`install_id: ${installId.status} ${JSON.stringify(installId.body)}`);
        const expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString().slice(0, 10);
        const key = await warden(["license", "issue", "--key", join(keys, "private.pem"), "--install-id", installId.body.install_id,
          "--name", "Warden browser tests", "--internal-users", "100", "--external-users", "100", "--expires", expires], process.env);
        const installed = await server.api("POST", "/enterprise/license/", { key });
        if (installed.status !== 201) throw new Error(`installing the licence: ${installed.status} ${JSON.stringify(installed.body)}`);
        const summary = await server.api("GET", "/enterprise/license/summary/");
        if (summary.body?.status !== "valid") throw new Error(`licence summary: ${JSON.stringify(summary.body)}`);
      }
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  } finally {
    rmSync(keys, { recursive: true, force: true });
  }
}
