// Logging in and out in a real browser against a real Warden: the default login and logout flows the server
// applies at start, the root redirect and the user page (issue 4's "Done when").

import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { launchBrowser, newPage } from "../lib/browser.js";
import { screenshot } from "../lib/screenshots.js";
import { startServer } from "../lib/server.js";
import { LOGIN_FLOW, at, createUser, getUser, logIn, submitCredentials, userPageOutcome } from "../lib/warden.js";

let server;
let browser;
const pages = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.context().close()));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function freshPage() {
  const page = await newPage(browser, server.url);
  pages.push(page);
  return page;
}

describe("login and logout", { timeout: 180_000 }, () => {
  it("logs akadmin in from /, shows the user page, and logs out through the invalidation flow", async () => {
    const page = await freshPage();
    await page.goto("/");
    assert.equal(new URL(page.url()).pathname, LOGIN_FLOW, "a logged-out browser is sent to the brand's authentication flow");
    await page.getByLabel(/Username/).waitFor();
    assert.equal(await page.locator("#flow-heading").textContent(), "Welcome to authentik!");
    await screenshot(page, "login");

    await logIn(page, { username: "akadmin", password: server.password });
    assert.equal(await page.locator("#user-username").textContent(), "akadmin");
    assert.equal(await page.locator("#user-name").textContent(), "authentik Default Admin");
    assert.equal(await page.getByRole("link", { name: "Admin interface" }).getAttribute("href"), "/if/admin/");
    const logout = page.getByRole("link", { name: "Log out" });
    assert.equal(await logout.getAttribute("href"), "/if/flow/default-invalidation-flow/");
    await screenshot(page, "user");

    // Logged in, / is the user page.
    await page.goto("/");
    assert.equal(new URL(page.url()).pathname, "/if/user/");

    await logout.click();
    // The invalidation flow ends at "/", which sends a logged-out browser to the authentication flow again.
    await page.waitForURL(at(LOGIN_FLOW));
    await page.getByLabel(/Username/).waitFor();
    assert.equal(await userPageOutcome(page), LOGIN_FLOW, "the user page now asks for a login");
    assert.deepEqual(page.problems, []);
    const me = await page.evaluate(async () => (await fetch("/api/v3/core/users/me/")).status);
    assert.equal(me, 403, "the session no longer authenticates API calls");
  });

  it("refuses a wrong password on the login page and lets the user try again", async () => {
    const user = await createUser(server);
    const page = await freshPage();
    await page.goto("/");
    await page.waitForURL(at(LOGIN_FLOW));
    await submitCredentials(page, { username: user.username, password: `${user.password}-wrong` });
    // authentik answers a wrong password on the identification stage with the same challenge and an error.
    await page.locator(".field-errors, #non-field-errors, #access-denied").first().waitFor();
    await screenshot(page, "login-wrong-password");
    assert.equal(new URL(page.url()).pathname, LOGIN_FLOW);
    assert.equal(await userPageOutcome(page), LOGIN_FLOW, "still logged out");

    await logIn(page, user);
    assert.equal(await page.locator("#user-username").textContent(), user.username);
    assert.equal(await page.getByRole("link", { name: "Admin interface" }).count(), 0, "no admin link for a non-superuser");
  });

  it("returns to the page that asked for the login", async () => {
    const page = await freshPage();
    await page.goto("/if/admin/");
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, `${LOGIN_FLOW}?next=%2Fif%2Fadmin%2F`);
    await logIn(page, { username: "akadmin", password: server.password }, { from: "/if/admin/", to: "/if/admin/" });
    await page.locator("#user-table").waitFor();
    assert.deepEqual(page.problems, []);
  });
});

describe("user and admin pages", { timeout: 180_000 }, () => {
  it("explains on the user page that the brand has no lockdown flow", async () => {
    const user = await createUser(server);
    const page = await freshPage();
    await logIn(page, user);
    await page.getByRole("button", { name: "Lock my account" }).click();
    const error = page.locator("#account-lockdown-error");
    await error.waitFor();
    assert.equal(await error.textContent(), "No lockdown flow configured.");
    assert.equal(new URL(page.url()).pathname, "/if/user/");
    assert.equal(await page.getByRole("button", { name: "Lock my account" }).isEnabled(), true);
    assert.equal((await getUser(server, user)).is_active, true);
    await screenshot(page, "user-lockdown-refused");
  });

  it("lists, searches and shows users on the admin page from the users API", async () => {
    const alice = await createUser(server, { username: `alice-${Date.now()}`, name: "Alice Liddell" });
    const page = await freshPage();
    await logIn(page, { username: "akadmin", password: server.password });
    await page.getByRole("link", { name: "Admin interface" }).click();
    await page.locator("#user-table").waitFor();
    assert.equal(await page.title(), "Users - authentik");
    const listed = await page.locator("#user-table tbody th").allTextContents();
    assert.ok(listed.includes("akadmin") && listed.includes(alice.username), listed.join(", "));

    await page.getByLabel("Search users").fill(alice.username);
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForFunction(() => document.querySelectorAll("#user-table tbody tr").length === 1);
    assert.equal(new URL(page.url()).hash, `#/identity/users?search=${alice.username}`);
    assert.equal(await page.locator("#user-count").textContent(), `1 user matching “${alice.username}”`);

    await page.getByRole("link", { name: alice.username }).click();
    await page.locator(`#user-details[data-pk='${alice.pk}']`).waitFor();
    assert.equal(await page.locator("#admin-heading").textContent(), alice.username);
    const details = await page.locator("#user-details").evaluate((list) =>
      Object.fromEntries([...list.querySelectorAll("dt")].map((term) => [term.textContent, term.nextElementSibling.textContent])));
    assert.equal(details.Name, "Alice Liddell");
    assert.equal(details.Email, alice.email);
    assert.equal(details.Active, "Yes");
    assert.equal(details.Type, "internal");
    assert.equal(details.Superuser, "No");

    await page.goto("/if/admin/#/identity/users/999999");
    await page.locator("#admin-error").waitFor();
    assert.equal(await page.locator("#admin-error").textContent(), "No User matches the given query.");
    await page.getByRole("link", { name: "All users" }).click();
    await page.locator("#user-table").waitFor();
    assert.deepEqual(page.problems.filter((problem) => !/status of 404/.test(problem)), []);
  });
});
