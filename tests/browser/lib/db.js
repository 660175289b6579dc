// Test-only seeding of the server's SQLite database through the sqlite3 command line, for what no API in this
// branch can create yet: flows, brand flow settings and logged-in sessions. (The server reads these rows from
// the database on every request, so rows written while it runs are seen at once.)

import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";

const quote = (value) => (value === null ? "NULL" : `'${String(value).replaceAll("'", "''")}'`);

// EF Core's SQLite formats: upper-case GUID text, "yyyy-MM-dd HH:mm:ss" UTC.
const guid = () => randomUUID().toUpperCase();
const timestamp = (date) => date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "");

export class Database {
  constructor(file) {
    this.file = file;
  }

  run(sql) {
    return execFileSync("sqlite3", ["-cmd", ".timeout 10000", this.file, sql], { encoding: "utf8" }).trim();
  }

  createFlow({ slug, title, designation = "authentication", authentication = "none" }) {
    const id = guid();
    this.run(`INSERT INTO authentik_flows_flow (flow_uuid, name, slug, title, designation, background, policy_engine_mode,
      compatibility_mode, layout, denied_action, authentication)
      VALUES (${quote(id)}, ${quote(title)}, ${quote(slug)}, ${quote(title)}, ${quote(designation)}, '', 'any', 0, 'stacked',
      'message_continue', ${quote(authentication)});`);
    return id;
  }

  /** Sets the default brand's flow_<kind>_id column (kind: authentication, invalidation, ...). */
  setBrandFlow(kind, flowId) {
    if (!/^[a-z_]+$/.test(kind)) throw new Error(`bad flow kind ${kind}`);
    this.run(`UPDATE authentik_brands_brand SET flow_${kind}_id = ${quote(flowId)} WHERE "default" = 1;`);
  }

  userId(username) {
    return Number(this.run(`SELECT id FROM authentik_core_user WHERE username = ${quote(username)};`));
  }

  setName(username, name) {
    this.run(`UPDATE authentik_core_user SET name = ${quote(name)} WHERE username = ${quote(username)};`);
  }

  /** A logged-in session for the user; returns the authentik_session cookie value. */
  createSession(username) {
    const key = randomBytes(32).toString("base64url");
    const now = new Date();
    const expires = new Date(now.getTime() + 24 * 3600 * 1000);
    this.run(`INSERT INTO authentik_core_session (session_key, session_data, expires, last_ip, last_user_agent, last_used)
      VALUES (${quote(key)}, '{}', ${quote(timestamp(expires))}, '127.0.0.1', '', ${quote(timestamp(now))});
      INSERT INTO authentik_core_authenticatedsession (session_id, uuid, user_id)
      VALUES (${quote(key)}, ${quote(guid())}, ${this.userId(username)});`);
    return key;
  }
}
