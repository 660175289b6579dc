// What the end-to-end tests do through Warden's own API, command line and login page: accounts, tokens, the
// lockdown flows, logging in.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";

export const LOGIN_FLOW = "/if/flow/default-authentication-flow/";
export const LOCKDOWN_FLOW = "/if/flow/default-account-lockdown/";
export const LOCKDOWN_COMPLETE_FLOW = "/if/flow/default-account-lockdown-complete/";

/** Asserts an API answer's status, showing its body when it differs; returns the body. */
export function expectStatus(result, status, what) {
  assert.equal(result.status, status, `${what}: HTTP ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

/** A new internal user with a password (through the users API); returns { pk, username, password, email, name }. */
export async function createUser(server, { username, name, email } = {}) {
  const suffix = randomBytes(4).toString("hex");
  username ??= `user-${suffix}`;
  const user = expectStatus(await server.api("POST", "/core/users/", {
    username, name: name ?? `Test ${username}`, email: email ?? `${username}@example.test`, is_active: true, path: "users", type: "internal",
  }), 201, "creating a user");
  const password = `pw-${randomBytes(9).toString("base64url")}`;
  expectStatus(await server.api("POST", `/core/users/${user.pk}/set_password/`, { password }), 204, "setting a password");
  return { pk: user.pk, username, password, email: user.email, name: user.name };
}

/** A new API token of the user (through the tokens API); returns its key. */
export async function createApiToken(server, user) {
  const identifier = `browser-test-${randomBytes(4).toString("hex")}`;
  expectStatus(await server.api("POST", "/core/tokens/", { identifier, intent: "api", user: user.pk, expiring: false }), 201, "creating a token");
  return expectStatus(await server.api("GET", `/core/tokens/${identifier}/view_key/`), 200, "reading the token's key").key;
}

/** The user as the users API shows it. */
export async function getUser(server, user) {
  return expectStatus(await server.api("GET", `/core/users/${user.pk}/`), 200, "reading a user");
}

/**
 * Applies the shipped lockdown blueprint with the command line, as an operator would (the server keeps running on
 * the same database), and points the default brand's flow_lockdown at its flow through the brands API.
 */
export async function enableLockdown(server) {
  const output = await server.cli("blueprint", "apply", "example/flow-default-account-lockdown.yaml");
  assert.match(output, /applied/, output);
  const flows = expectStatus(await server.api("GET", "/flows/instances/?slug=default-account-lockdown"), 200, "finding the lockdown flow");
  assert.equal(flows.results.length, 1, "the blueprint created default-account-lockdown");
  const brands = expectStatus(await server.api("GET", "/core/brands/?default=true"), 200, "finding the default brand");
  const brand = brands.results.find((candidate) => candidate.default);
  expectStatus(await server.api("PATCH", `/core/brands/${brand.brand_uuid}/`, { flow_lockdown: flows.results[0].pk }), 200, "setting flow_lockdown");
}

/** True when the path of the page's URL is `path`. */
export const at = (path) => (url) => url.pathname === path;

/**
 * Logs in through the real login page: `from` (default "/") sends a logged-out browser to the brand's
 * authentication flow, which asks for the username and the password (on the identification stage, or on a
 * password stage after it) and ends at `to` (default: the user page).
 */
export async function logIn(page, { username, password }, { from = "/", to = "/if/user/" } = {}) {
  await page.goto(from);
  await page.waitForURL(at(LOGIN_FLOW));
  await submitCredentials(page, { username, password });
  // A user-login stage with remember-me asks whether to stay signed in.
  const stay = page.getByRole("heading", { name: "Stay signed in?" });
  const landed = page.waitForURL(at(to)).then(() => "landed", () => null);
  const asked = stay.waitFor().then(() => "asked", () => null);
  if ((await Promise.race([landed, asked])) === "asked") await page.getByRole("button", { name: "No" }).click();
  await page.waitForURL(at(to));
}

/** Types the username and the password on the login flow's page and submits them. */
export async function submitCredentials(page, { username, password }) {
  const uid = page.getByLabel(/Username/);
  await uid.fill(username);
  const secret = page.getByLabel("Password");
  if (!(await secret.isVisible())) {
    await uid.press("Enter");
    await secret.waitFor();
  }
  await secret.fill(password);
  await secret.press("Enter");
}

/** Regular-expression source matching `text` literally. */
export const literally = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Where a GET of the user page sends this browser: "/if/user/" (logged in) or the login flow's path. */
export async function userPageOutcome(page) {
  return page.evaluate(async () => {
    const response = await fetch("/if/user/", { redirect: "follow" });
    return new URL(response.url).pathname;
  });
}
