// Starts the built Warden server (Release build) on a free loopback port with a fresh SQLite data directory,
// waits until it is ready, and stops it by its pid.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Database } from "./db.js";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const serverDll = join(repoRoot, "src/Warden/bin/Release/net10.0/warden.dll");

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * Returns { url, password, token, db, log(), stop() }. The bootstrap password and token are random per start.
 */
export async function startServer() {
  if (!existsSync(serverDll)) {
    throw new Error(`${serverDll} is missing: build first (dotnet build Warden.slnx -c Release).`);
  }
  const port = await freePort();
  const dataDirectory = mkdtempSync(join(tmpdir(), "warden-browser-"));
  const password = `pw-${randomBytes(9).toString("base64url")}`;
  const token = `tok-${randomBytes(18).toString("base64url")}`;
  const url = `http://127.0.0.1:${port}`;
  const output = [];
  const child = spawn("dotnet", [serverDll, "--urls", url, `--Database:DataDirectory=${dataDirectory}`], {
    cwd: dataDirectory,
    env: {
      ...process.env,
      AUTHENTIK_BOOTSTRAP_PASSWORD: password,
      AUTHENTIK_BOOTSTRAP_TOKEN: token,
      DOTNET_NOLOGO: "1",
      // Cheap password hashes: these tests are about pages, not hashing cost.
      Passwords__Iterations: "1000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk) => output.push(chunk.toString()));
  child.stderr.on("data", (chunk) => output.push(chunk.toString()));
  let exited = null;
  const exit = new Promise((done) => child.on("exit", (code, signal) => { exited = { code, signal }; done(); }));

  const stop = async () => {
    if (exited === null) {
      process.kill(child.pid, "SIGTERM");
      const timer = setTimeout(() => { if (exited === null) process.kill(child.pid, "SIGKILL"); }, 10_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dataDirectory, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) {
      rmSync(dataDirectory, { recursive: true, force: true });
      throw new Error(`warden exited before it was ready (${JSON.stringify(exited)}):\n${output.join("")}`);
    }
    try {
      const response = await fetch(`${url}/-/health/ready/`);
      if (response.status === 204) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`warden was not ready within 60 s:\n${output.join("")}`);
    }
    await sleep(250);
  }
  return { url, password, token, db: new Database(join(dataDirectory, "warden.db")), log: () => output.join(""), stop };
}
