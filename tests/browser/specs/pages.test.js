// The root redirect, the user page and the admin page in a real browser, against the real server. The users
// API and the account-lockdown API are not in this branch yet: they are faked with page.route() in
// authentik's shapes.

import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { launchBrowser, newPage } from "../lib/browser.js";
import { flowInfo, startFakeExecutor } from "../lib/fake-executor.js";
import { repoRoot, startServer } from "../lib/server.js";

const artifacts = join(repoRoot, "tests/browser/artifacts");

let server;
let executor;
let browser;
const pages = [];

before(async () => {
  server = await startServer();
  executor = await startFakeExecutor(server.url);
  browser = await launchBrowser();
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.context().close()));
});

after(async () => {
  await browser?.close();
  await executor?.close();
  await server?.stop();
});

async function anonymousPage() {
  const page = await newPage(browser, executor.url);
  pages.push(page);
  return page;
}

/** A page whose browser holds a logged-in session of `username` (a session row written to the database). */
async function loggedInPage(username) {
  const page = await anonymousPage();
  await page.context().addCookies([{ name: "authentik_session", value: server.db.createSession(username), url: executor.url }]);
  return page;
}

const users = [
  { pk: 3, username: "akadmin", name: "authentik Default Admin", email: "root@localhost", is_active: true, last_login: null, date_joined: "2026-11-25T12:00:00Z", is_superuser: true, groups_obj: [{ name: "authentik Admins" }], path: "users", type: "internal", uuid: "0b6f3f0e-0000-4000-8000-000000000003" },
  { pk: 7, username: "alice", name: "Alice Liddell", email: "alice@example.test", is_active: true, last_login: "2026-11-24T08:30:00Z", date_joined: "2026-11-01T09:00:00Z", is_superuser: false, groups_obj: [], path: "users", type: "internal", uuid: "0b6f3f0e-0000-4000-8000-000000000007" },
  { pk: 9, username: "bob", name: "Bob", email: "", is_active: false, last_login: null, date_joined: "2026-11-02T09:00:00Z", is_superuser: false, groups_obj: [], path: "users", type: "external", uuid: "0b6f3f0e-0000-4000-8000-000000000009" },
];

/** A fake of GET /api/v3/core/users/ (search over username, name, email) and GET /api/v3/core/users/<pk>/. */
async function fakeUsersApi(page, { status } = {}) {
  const requests = [];
  await page.route("**/api/v3/core/users/**", async (route) => {
    const url = new URL(route.request().url());
    requests.push(url);
    if (status) {
      return route.fulfill({ status, contentType: "application/json", body: JSON.stringify({ detail: "You do not have permission to perform this action." }) });
    }
    const detail = /^\/api\/v3\/core\/users\/(\d+)\/$/.exec(url.pathname);
    if (detail) {
      const user = users.find((candidate) => candidate.pk === Number(detail[1]));
      return route.fulfill(user
        ? { contentType: "application/json", body: JSON.stringify(user) }
        : { status: 404, contentType: "application/json", body: JSON.stringify({ detail: "No User matches the given query." }) });
    }
    const search = (url.searchParams.get("search") ?? "").toLowerCase();
    const results = users.filter((user) => [user.username, user.name, user.email].some((value) => value.toLowerCase().includes(search)));
    const pagination = { next: 0, previous: 0, count: results.length, current: 1, total_pages: 1, start_index: results.length ? 1 : 0, end_index: results.length };
    return route.fulfill({ contentType: "application/json", body: JSON.stringify({ pagination, results, autocomplete: {} }) });
  });
  return requests;
}

describe("pages", { timeout: 120_000 }, () => {
  it("sends an anonymous visitor of / to the brand's authentication flow, or says login is not configured", async () => {
    const page = await anonymousPage();
    const response = await page.goto("/");
    assert.equal(response.status(), 503);
    assert.equal(await page.locator("h1").textContent(), "Login is not configured");

    server.db.setBrandFlow("authentication", server.db.createFlow({ slug: "login-flow", title: "Sign in" }));
    executor.script(() => ({
      component: "ak-stage-identification", flow_info: flowInfo("Sign in"), user_fields: ["username"], password_fields: true,
      primary_action: "Log in", flow_designation: "authentication", show_source_labels: false,
    }));
    await page.goto("/");
    assert.equal(new URL(page.url()).pathname, "/if/flow/login-flow/");
    await page.getByLabel("Username").waitFor();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "login.png") });
    assert.deepEqual(page.problems.filter((problem) => !/status of 503/.test(problem)), []);
  });

  it("shows the logged-in user, links to the admin page and to the invalidation flow", async () => {
    server.db.setName("akadmin", "Ada <Admin>");
    const page = await loggedInPage("akadmin");
    await page.goto("/");
    assert.equal(new URL(page.url()).pathname, "/if/user/");
    assert.equal(await page.locator("#user-username").textContent(), "akadmin");
    assert.equal(await page.locator("#user-name").textContent(), "Ada <Admin>");
    assert.equal(await page.getByRole("link", { name: "Admin interface" }).getAttribute("href"), "/if/admin/");
    assert.match(await page.locator("#logout-unavailable").textContent(), /no invalidation flow configured/);
    assert.equal(await page.locator("#account-lockdown-slot").count(), 1);

    server.db.setBrandFlow("invalidation", server.db.createFlow({ slug: "logout-flow", title: "Logging out", designation: "invalidation" }));
    await page.reload();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "user.png") });
    const calls = executor.script(() => ({ component: "xak-flow-redirect", flow_info: flowInfo("Logging out"), to: "/if/user/" }));
    await page.getByRole("link", { name: "Log out" }).click();
    await page.waitForURL((url) => url.pathname === "/if/user/" && calls.length === 1);
    assert.equal(calls[0].path, "/api/v3/flows/executor/logout-flow/");
    assert.deepEqual(page.problems, []);
  });

  it("lists and searches users on the admin page and opens a user's detail view", async () => {
    const page = await loggedInPage("akadmin");
    const requests = await fakeUsersApi(page);
    await page.goto("/if/admin/");
    await page.locator("#user-table").waitFor();
    assert.equal(await page.title(), "Users - authentik");
    assert.deepEqual(await page.locator("#user-table tbody th").allTextContents(), ["akadmin", "alice", "bob"]);
    assert.equal(await page.locator("#user-count").textContent(), "3 users");
    assert.equal(requests[0].searchParams.get("ordering"), "username");

    await page.getByLabel("Search users").fill("ali");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForFunction(() => document.querySelectorAll("#user-table tbody tr").length === 1);
    assert.equal(requests.at(-1).searchParams.get("search"), "ali");
    assert.equal(new URL(page.url()).hash, "#/identity/users?search=ali");
    assert.equal(await page.locator("#user-count").textContent(), "1 user matching “ali”");
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "admin-list.png") });

    await page.getByRole("link", { name: "alice" }).click();
    await page.locator("#user-details").waitFor();
    assert.equal(new URL(page.url()).hash, "#/identity/users/7");
    assert.equal(requests.at(-1).pathname, "/api/v3/core/users/7/");
    assert.equal(await page.locator("#admin-heading").textContent(), "alice");
    const details = await page.locator("#user-details").evaluate((list) =>
      Object.fromEntries([...list.querySelectorAll("dt")].map((term) => [term.textContent, term.nextElementSibling.textContent])));
    assert.equal(details.Name, "Alice Liddell");
    assert.equal(details.Email, "alice@example.test");
    assert.equal(details.Active, "Yes");
    assert.equal(details.Type, "internal");
    assert.equal(await page.locator("#user-actions").getAttribute("data-user-pk"), "7");
    await page.screenshot({ path: join(artifacts, "admin-user.png") });

    await page.goto("/if/admin/#/identity/users/99");
    await page.locator("#admin-error").waitFor();
    assert.equal(await page.locator("#admin-error").textContent(), "No User matches the given query.");
    await page.getByRole("link", { name: "All users" }).click();
    await page.locator("#user-table").waitFor();
    assert.deepEqual(page.problems.filter((problem) => !/status of 404/.test(problem)), []);
  });

  it("tells an admin-page visitor what the users API refused", async () => {
    const page = await loggedInPage("akadmin");
    await fakeUsersApi(page, { status: 403 });
    await page.goto("/if/admin/");
    await page.locator("#admin-error").waitFor();
    assert.equal(await page.locator("#admin-error").textContent(), "You do not have permission to perform this action.");
    assert.equal(await page.locator("#admin-error").getAttribute("role"), "alert");
  });

  it("starts an account lockdown through the API and follows its link", async () => {
    const page = await loggedInPage("akadmin");
    await fakeUsersApi(page);
    const posts = [];
    let reply = { status: 200, body: { link: "/if/flow/lockdown-flow/" } };
    await page.route("**/api/v3/core/users/account_lockdown/", async (route) => {
      posts.push({ body: route.request().postDataJSON(), headers: await route.request().allHeaders() });
      await route.fulfill({ status: reply.status, contentType: "application/json", body: JSON.stringify(reply.body) });
    });
    await page.goto("/if/admin/");
    const csrf = (await page.context().cookies()).find((cookie) => cookie.name === "authentik_csrf").value;

    reply = { status: 400, body: { non_field_errors: ["No lockdown flow configured."] } };
    const refused = await page.evaluate(async () => (await import("/static/warden/api.js")).startAccountLockdown());
    assert.equal(refused, "No lockdown flow configured.");
    assert.deepEqual(posts[0].body, {});

    reply = { status: 200, body: { link: "/if/flow/lockdown-flow/" } };
    await Promise.all([
      page.waitForURL("**/if/flow/lockdown-flow/"),
      page.evaluate(async () => (await import("/static/warden/api.js")).startAccountLockdown(7)),
    ]);
    assert.deepEqual(posts[1].body, { user: 7 });
    assert.equal(posts[1].headers["x-authentik-csrf"], csrf);
    assert.equal(posts[1].headers["content-type"], "application/json");
  });
});
