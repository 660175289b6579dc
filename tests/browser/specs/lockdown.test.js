// Account Lockdown in a real browser against a real, licensed Warden: the lockdown blueprint applied with
// `warden blueprint apply`, the brand's flow_lockdown set through the API, then the administrator's button on
// the admin page and the user's own "Lock my account", through the real lockdown flows (issue 6, item 7).

import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { launchBrowser, newPage } from "../lib/browser.js";
import { screenshot } from "../lib/screenshots.js";
import { startServer } from "../lib/server.js";
import {
  LOCKDOWN_COMPLETE_FLOW, LOCKDOWN_FLOW, LOGIN_FLOW, at, createApiToken, createUser, enableLockdown, expectStatus, getUser, literally, logIn,
  submitCredentials, userPageOutcome,
} from "../lib/warden.js";

let server;
let browser;
const pages = [];

before(async () => {
  server = await startServer();
  await enableLockdown(server);
  browser = await launchBrowser();
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.context().close()));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page in a new browser context: its own cookies, i.e. its own browser session. */
async function freshPage() {
  const page = await newPage(browser, server.url);
  pages.push(page);
  return page;
}

const admin = () => ({ username: "akadmin", password: server.password });

/** Calls the API with a token; resolves to the status. */
async function statusWithToken(token, path) {
  const response = await fetch(`${server.url}/api/v3${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return response.status;
}

/** Tries to log in through the login page; resolves once the page answered (it must not reach the user page). */
async function failedLogin(page, user) {
  await page.goto("/");
  await page.waitForURL(at(LOGIN_FLOW));
  await submitCredentials(page, user);
  await page.locator(".field-errors, #non-field-errors, #access-denied").first().waitFor();
  assert.equal(new URL(page.url()).pathname, LOGIN_FLOW);
  assert.equal(await userPageOutcome(page), LOGIN_FLOW, "the locked account did not get a session");
}

/** Opens a user's view on the admin page and waits until it shows that user. */
async function openUser(page, user) {
  await page.goto(`/if/admin/#/identity/users/${user.pk}`);
  await page.locator(`#user-details[data-pk='${user.pk}']`).waitFor();
  await page.locator(`#user-actions[data-user-pk='${user.pk}']`).waitFor({ state: "attached" });
}

describe("account lockdown", { timeout: 240_000 }, () => {
  it("lets an administrator lock another account from the admin page, ending its session, token and logins", async () => {
    const target = await createUser(server, { name: "Mallory Target" });
    const token = await createApiToken(server, target);
    assert.equal(await statusWithToken(token, "/core/users/me/"), 200, "the token works before the lockdown");

    // The target is logged in in another browser.
    const targetPage = await freshPage();
    await logIn(targetPage, target);

    const page = await freshPage();
    await logIn(page, admin());
    await page.goto("/if/admin/");
    await page.getByLabel("Search users").fill(target.username);
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForFunction(() => document.querySelectorAll("#user-table tbody tr").length === 1);
    await screenshot(page, "admin-users");
    await page.getByRole("link", { name: target.username, exact: true }).click();
    await page.locator("#user-details").waitFor();
    await screenshot(page, "admin-user");

    await page.getByRole("button", { name: "Account Lockdown" }).click();
    await page.waitForURL(at(LOCKDOWN_FLOW));
    const warning = page.locator("[data-field-key='lockdown_warning']");
    await warning.waitFor();
    assert.match(await warning.textContent(), /You are about to lock down the following account:/);
    assert.equal(await warning.locator("code").first().textContent(), target.username);
    assert.match(await warning.textContent(), new RegExp(`\\(${literally(target.email)}\\)`));
    const reasonBox = page.getByLabel(/Reason/);
    assert.equal(await reasonBox.getAttribute("placeholder"), "Describe why this account is being locked down...");
    await screenshot(page, "lockdown-admin");

    const reason = `Credentials found in a paste site (ticket ${target.pk})`;
    await reasonBox.fill(reason);
    await page.getByRole("button", { name: "Continue" }).click();
    // An administrator who locked someone else is shown the result, then goes on to "/".
    const result = page.locator("[data-field-key='lockdown_complete']");
    await result.waitFor();
    assert.match(await result.textContent(), new RegExp(`${literally(target.username)} has been locked down\\.`));
    await screenshot(page, "lockdown-admin-result");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(at("/if/user/"));
    assert.equal(await page.locator("#user-username").textContent(), "akadmin", "the administrator stays logged in");

    // The target's open browser session is gone on its next request.
    await targetPage.goto("/if/user/");
    assert.equal(new URL(targetPage.url()).pathname, LOGIN_FLOW);
    // Its API token is revoked.
    assert.equal(await statusWithToken(token, "/core/users/me/"), 403);
    // It cannot log in any more.
    await failedLogin(await freshPage(), target);
    const locked = await getUser(server, target);
    assert.equal(locked.is_active, false);

    // The audit log names the administrator, the target and the reason typed in the browser.
    const events = expectStatus(await server.api("GET", "/events/events/?action=user_write"), 200, "listing events");
    const event = events.results.find((candidate) => candidate.context?.affected_user === target.username);
    assert.ok(event, `a user_write event for ${target.username}: ${JSON.stringify(events.results)}`);
    assert.equal(event.context.action_id, "account_lockdown");
    assert.equal(event.context.reason, reason);
    assert.equal(event.user.username, target.username);
    assert.equal(event.user.authenticated_as.username, "akadmin");
    assert.deepEqual(page.problems, []);
  });

  it("lets a user lock their own account, ending on the completion flow logged out", async () => {
    const user = await createUser(server);
    const page = await freshPage();
    await logIn(page, user);
    const card = page.locator("#account-lockdown");
    assert.match(await card.textContent(), /If you suspect your account has been compromised/);

    await page.getByRole("button", { name: "Lock my account" }).click();
    await page.waitForURL(at(LOCKDOWN_FLOW));
    const warning = page.locator("[data-field-key='lockdown_warning']");
    await warning.waitFor();
    assert.match(await warning.textContent(), /You are about to lock down your own account\./);
    assert.equal(await page.getByLabel(/Reason/).getAttribute("placeholder"), "Describe why you are locking your account...");
    await screenshot(page, "lockdown-self");

    const reason = "I typed my password into a phishing page";
    await page.getByLabel(/Reason/).fill(reason);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(at(LOCKDOWN_COMPLETE_FLOW));
    const message = page.locator("[data-field-key='self_lockdown_complete']");
    await message.waitFor();
    assert.equal(await message.locator("h1").textContent(), "Your account has been locked");
    assert.match(await message.textContent(), /please contact your IT administrator or security team/);
    await screenshot(page, "lockdown-self-complete");

    // Logged out, and the account is inactive.
    const me = await page.evaluate(async () => (await fetch("/api/v3/core/users/me/")).status);
    assert.equal(me, 403);
    assert.equal((await getUser(server, user)).is_active, false);
    const events = expectStatus(await server.api("GET", "/events/events/?action=user_write"), 200, "listing events");
    const event = events.results.find((candidate) => candidate.context?.affected_user === user.username);
    assert.equal(event?.context.reason, reason);
    assert.equal(event.user.username, user.username);
    assert.equal(event.user.authenticated_as, undefined, "a self-service lockdown records the user alone");

    // The completion flow ends at "/", which asks for a login.
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(at(LOGIN_FLOW));
    // The one failed request is the 403 of the users/me call above.
    assert.deepEqual(page.problems.filter((problem) => !/status of 403/.test(problem)), []);
  });

  it("offers Account Lockdown for other accounts only, never on the administrator's own page or for internal service accounts", async () => {
    const other = await createUser(server);
    const page = await freshPage();
    await logIn(page, admin());
    const me = expectStatus(await server.api("GET", "/core/users/?username=akadmin"), 200, "finding akadmin").results[0];

    await openUser(page, other);
    assert.equal(await page.getByRole("button", { name: "Account Lockdown" }).count(), 1, "shown for another account");

    await openUser(page, me);
    assert.equal(await page.getByRole("button", { name: "Account Lockdown" }).count(), 0, "hidden on your own page");

    // No API creates an internal service account (Warden's own, as authentik's outposts): the users API's real
    // answer for the other account is shown with that type.
    await page.route(`**/api/v3/core/users/${other.pk}/`, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({ response, json: { ...body, type: "internal_service_account" } });
    });
    await page.reload();
    await openUser(page, other);
    assert.equal(await page.locator("#user-details dd").nth(4).textContent(), "internal_service_account");
    assert.equal(await page.getByRole("button", { name: "Account Lockdown" }).count(), 0, "hidden for an internal service account");
    assert.deepEqual(page.problems, []);
  });
});
