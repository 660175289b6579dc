// The flow interface (/if/flow/<slug>/) against a scripted fake of the flow executor API: how every challenge
// renders, what the page posts (body, CSRF header, query), the raw 302s it follows, errors and redirects.

import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { launchBrowser, newPage } from "../lib/browser.js";
import { flowInfo, startFakeExecutor } from "../lib/fake-executor.js";
import { screenshot } from "../lib/screenshots.js";
import { startServer } from "../lib/server.js";
import { expectStatus } from "../lib/warden.js";

const SLUG = "test-flow";
const PAGE = `/if/flow/${SLUG}/?next=%2Fif%2Fadmin%2F`;
const EXECUTOR = `/api/v3/flows/executor/${SLUG}/?query=${encodeURIComponent("next=%2Fif%2Fadmin%2F")}`;

let server;
let executor;
let browser;
const pages = [];

before(async () => {
  server = await startServer({ licensed: false });
  expectStatus(await server.api("POST", "/flows/instances/", {
    name: "Test flow", slug: SLUG, title: "Welcome to Warden", designation: "authentication", authentication: "none",
  }), 201, "creating the flow");
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

/** Opens the flow page (through the fake executor's proxy) with a new script; returns the page and its calls. */
async function open(answer) {
  const page = await newPage(browser, executor.url);
  pages.push(page);
  const calls = executor.script(answer);
  await page.goto(PAGE);
  return { page, calls };
}

/** Waits until the page has rendered a stage (or a problem) and is no longer busy. */
async function settled(page) {
  await page.waitForSelector("#flow[aria-busy='false'] #flow-stage > *");
}

async function csrfCookie(page) {
  const cookies = await page.context().cookies();
  return cookies.find((cookie) => cookie.name === "authentik_csrf")?.value;
}

async function describedBy(locator) {
  return locator.evaluate((element) => (element.getAttribute("aria-describedby") ?? "")
    .split(" ").filter(Boolean).map((id) => document.getElementById(id)?.textContent.trim()).join(" | "));
}

const identificationChallenge = {
  component: "ak-stage-identification",
  flow_info: flowInfo(),
  user_fields: ["email", "username"],
  password_fields: true,
  primary_action: "Log in",
  flow_designation: "authentication",
  show_source_labels: false,
  enroll_url: "/if/flow/enroll/",
  recovery_url: "/if/flow/recover/",
};

describe("flow interface", { timeout: 120_000 }, () => {
  it("renders identification without a password field, prefilled, and user login's No", async () => {
    const { page, calls } = await open((call, all) => (all.length === 1
      ? { ...identificationChallenge, user_fields: ["email"], password_fields: false, pending_user_identifier: "ann@example.test", primary_action: "Next", enroll_url: undefined, recovery_url: undefined }
      : all.length === 2
        ? { component: "ak-stage-user-login", flow_info: flowInfo(), pending_user: "ann", pending_user_avatar: "" }
        : { component: "ak-stage-access-denied", flow_info: flowInfo(), pending_user: "ann", pending_user_avatar: "", error_message: "done" }));
    await settled(page);

    const uid = page.getByLabel("Email");
    assert.equal(await uid.getAttribute("type"), "email");
    assert.equal(await uid.inputValue(), "ann@example.test");
    assert.equal(await page.locator("input[type=password]").count(), 0);
    assert.equal(await page.locator(".links").count(), 0);
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "No" }).click();
    await page.locator("#access-denied").waitFor();

    assert.deepEqual(calls[1].body, { component: "ak-stage-identification", uid_field: "ann@example.test" });
    assert.deepEqual(calls[2].body, { component: "ak-stage-user-login", remember_me: false });
  });

  it("shows the password stage's pending user and its errors beside the field", async () => {
    const password = { component: "ak-stage-password", flow_info: flowInfo(), pending_user: "akadmin", pending_user_avatar: "", recovery_url: "/if/flow/recover/" };
    const { page, calls } = await open((call) => (call.method === "GET"
      ? password
      : { ...password, response_errors: { password: [{ string: "Invalid password", code: "invalid" }] } }));
    await settled(page);

    assert.equal(await page.locator("#pending-user").textContent(), "akadmin");
    assert.equal(await page.getByRole("link", { name: "Not you?" }).getAttribute("href"), "/flows/-/cancel/");
    assert.equal(await page.locator("input[type=hidden][autocomplete=username]").inputValue(), "akadmin");
    const field = page.getByLabel("Password");
    assert.equal(await field.getAttribute("autocomplete"), "current-password");
    await field.fill("wrong");
    await field.press("Enter");
    await page.locator(".field-errors").waitFor();

    assert.deepEqual(calls[1].body, { component: "ak-stage-password", password: "wrong" });
    const again = page.getByLabel("Password");
    assert.equal(await again.getAttribute("aria-invalid"), "true");
    assert.equal(await describedBy(again), "Invalid password");
    assert.equal(await again.inputValue(), "", "a refused password is not kept");
    assert.equal(await again.evaluate((element) => element === document.activeElement), true);
    assert.equal(await page.locator("#non-field-errors").count(), 0);
  });

  it("renders every prompt field type in order and posts their values", async () => {
    const { page, calls } = await open((call) => (call.method === "GET"
      ? promptChallenge()
      : { component: "ak-stage-access-denied", flow_info: flowInfo(), pending_user: "alice", pending_user_avatar: "", error_message: "stop" }));
    await settled(page);
    await screenshot(page, "fake-prompt");

    // Ordered by `order`, not by the order they arrived in.
    const keys = await page.locator("form [data-field-key], form [name]").evaluateAll((elements) =>
      [...new Set(elements.map((element) => element.dataset.fieldKey ?? element.getAttribute("name")))]);
    assert.deepEqual(keys, promptFields.slice().sort((a, b) => a.order - b.order).map((field) => field.field_key));

    // Alerts and static fields render the server's HTML; nothing inside it runs (CSP: no inline script).
    const danger = page.locator("[data-field-key=lockdown_warning]");
    assert.equal(await danger.getAttribute("class"), "alert alert-danger");
    assert.equal(await danger.locator(".alert-title").textContent(), "Warning");
    assert.equal(await danger.locator("code").textContent(), "alice");
    assert.equal(await page.locator("[data-field-key=lockdown_info]").getAttribute("class"), "alert alert-info");
    assert.equal(await page.locator("[data-field-key=lockdown_info] a").getAttribute("href"), "https://docs.example.test/lockdown");
    assert.equal(await page.locator("[data-field-key=notice]").getAttribute("class"), "alert alert-warning");
    assert.equal(await page.locator("[data-field-key=static_text] strong").textContent(), "Static");
    assert.equal(await page.locator("[data-field-key=sep]").textContent(), "More details");
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => window.pwned), undefined);

    // Labels, placeholders, required, help texts.
    const reason = page.getByLabel("Reason");
    assert.equal(await reason.evaluate((element) => element.tagName), "TEXTAREA");
    assert.equal(await reason.getAttribute("placeholder"), "Describe why this account is being locked down...");
    assert.equal(await reason.evaluate((element) => element.required), true);
    assert.equal(await describedBy(reason), "This explanation will be recorded in the audit log.");
    assert.equal(await page.getByLabel("Nickname").inputValue(), "Al");
    assert.equal(await page.getByLabel("Nickname").getAttribute("placeholder"), "e.g. Al");
    assert.equal(await page.getByLabel("Nickname").evaluate((element) => element.required), false);
    assert.equal(await page.getByLabel("Account ID").evaluate((element) => element.readOnly), true);
    assert.equal(await page.getByLabel("Terms").evaluate((element) => [element.tagName, element.readOnly, element.value]).then(String), "TEXTAREA,true,Read these.");
    assert.equal(await page.getByLabel("Username").getAttribute("autocomplete"), "username");
    assert.equal(await page.getByLabel("Email").getAttribute("type"), "email");
    assert.equal(await page.getByLabel("New password").getAttribute("type"), "password");
    assert.equal(await page.getByLabel("New password").inputValue(), "", "passwords are never prefilled");
    assert.equal(await page.getByLabel("Age").getAttribute("type"), "number");
    assert.equal(await page.getByLabel("Birthday").getAttribute("type"), "date");
    assert.equal(await page.getByLabel("Meeting").getAttribute("type"), "datetime-local");
    assert.equal(await page.getByLabel("I agree").isChecked(), false);
    assert.equal(await page.getByLabel("Newsletter").isChecked(), true);
    assert.equal(await describedBy(page.getByLabel("Newsletter")), "Monthly, at most.");
    const colours = page.getByRole("group", { name: "Favourite colour" });
    assert.equal(await colours.getByRole("radio", { name: "Blue" }).isChecked(), true);
    assert.equal(await page.getByLabel("Country").inputValue(), "fr");
    assert.deepEqual(await page.getByLabel("Country").locator("option").allTextContents(), ["Germany", "France"]);
    assert.equal(await page.locator("input[type=hidden][name=flow_marker]").inputValue(), "m-1");

    await reason.fill("Laptop stolen");
    await page.getByLabel("Email").fill("alice@example.test");
    await page.getByLabel("New password").fill("N3w-password");
    await page.getByLabel("Age").fill("42");
    await page.getByLabel("I agree").check();
    await colours.getByRole("radio", { name: "Red" }).check();
    await page.getByLabel("Country").selectOption("de");
    await page.getByLabel("Birthday").fill("2026-01-02");
    await page.getByLabel("Meeting").fill("2026-01-02T03:04");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.locator("#access-denied").waitFor();

    assert.equal(calls[1].method, "POST");
    assert.deepEqual(calls[1].body, {
      component: "ak-stage-prompt",
      lockdown_reason: "Laptop stolen",
      nickname: "Al",
      account_id: "42",
      terms: "Read these.",
      username: "alice",
      email: "alice@example.test",
      new_password: "N3w-password",
      age: "42",
      agree: true,
      newsletter: true,
      color: "red",
      country: "de",
      birthday: "2026-01-02",
      meeting: "2026-01-02T03:04",
      flow_marker: "m-1",
    });
    assert.equal(calls[1].headers["x-authentik-csrf"], await csrfCookie(page));
    // The only console errors are the browser refusing the alert HTML's inline handler and script.
    assert.ok(page.problems.every((problem) => /Content Security Policy/.test(problem)), page.problems.join("\n"));
  });

  it("shows response_errors beside their fields and non-field errors at the top", async () => {
    const prompt = {
      component: "ak-stage-prompt",
      flow_info: flowInfo("Lock Account"),
      fields: [
        field({ field_key: "lockdown_reason", label: "Reason", type: "text_area", required: true, order: 200, sub_text: "Recorded in the audit log." }),
        field({ field_key: "token", label: "", type: "hidden", initial_value: "t", order: 300 }),
      ],
    };
    const { page, calls } = await open((call) => (call.method === "GET" ? prompt : {
      ...prompt,
      response_errors: {
        lockdown_reason: [{ string: "This field may not be blank.", code: "blank" }],
        non_field_errors: [{ string: "Something is off.", code: "invalid" }],
        token: [{ string: "Token expired.", code: "invalid" }],
      },
    }));
    await settled(page);
    assert.equal(await page.locator("#flow-heading").textContent(), "Lock Account");
    assert.equal(await page.locator("#non-field-errors").count(), 0);
    await page.getByLabel("Reason").fill("   ");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.locator("#non-field-errors").waitFor();

    assert.deepEqual(calls[1].body, { component: "ak-stage-prompt", lockdown_reason: "   ", token: "t" });
    const summary = page.locator("#non-field-errors");
    assert.equal(await summary.getAttribute("role"), "alert");
    assert.deepEqual(await summary.locator("li").allTextContents(), ["Something is off.", "Token expired."]);
    const reason = page.getByLabel("Reason");
    assert.equal(await reason.getAttribute("aria-invalid"), "true");
    assert.equal(await describedBy(reason), "This field may not be blank. | Recorded in the audit log.");
    assert.equal(await reason.evaluate((element) => element === document.activeElement), true);
  });

  it("shows access denied with the pending user and the error message", async () => {
    const { page } = await open(() => ({
      component: "ak-stage-access-denied", flow_info: flowInfo(), pending_user: "alice", pending_user_avatar: "",
      error_message: "No target user specified for account lockdown.",
    }));
    await settled(page);
    assert.equal(await page.locator("#pending-user").textContent(), "alice");
    assert.equal(await page.locator("#access-denied").getAttribute("role"), "alert");
    assert.equal(await page.locator("#access-denied .alert-title").textContent(), "Request has been denied.");
    assert.equal(await page.locator("#error-message").textContent(), "No target user specified for account lockdown.");
    assert.equal(await page.getByRole("link", { name: "Start over" }).getAttribute("href"), PAGE);
    assert.equal(await page.locator("form").count(), 0);

    const { page: second } = await open(() => ({ component: "ak-stage-access-denied", flow_info: flowInfo(), pending_user: "", pending_user_avatar: "" }));
    await settled(second);
    assert.equal(await second.locator("#error-message").textContent(), "Unknown error");
    assert.equal(await second.locator(".pending-user").count(), 0);
  });

  it("shows a flow error's request id, error and traceback", async () => {
    const { page } = await open(() => ({ component: "ak-stage-flow-error", flow_info: flowInfo(), request_id: "req-42", error: "boom", traceback: "Traceback: line 1" }));
    await settled(page);
    assert.match(await page.locator("[role=alert]").textContent(), /Something went wrong/);
    assert.equal(await page.locator("#request-id").textContent(), "req-42");
    assert.equal(await page.locator("#flow-error-message").textContent(), "boom");
    assert.equal(await page.locator("details pre").textContent(), "Traceback: line 1");
  });

  it("names the component of a challenge it cannot render", async () => {
    const { page } = await open(() => ({ component: "ak-stage-consent", flow_info: flowInfo(), pending_user: "x", pending_user_avatar: "", token: "t" }));
    await settled(page);
    assert.match(await page.locator("#unsupported-stage").textContent(), /component is ak-stage-consent\./);
  });

  it("never navigates to a non-web address, and explains server failures", async () => {
    const { page } = await open(() => ({ component: "xak-flow-redirect", flow_info: flowInfo(), to: "javascript:window.pwned=1" }));
    await settled(page);
    assert.match(await page.locator("#flow-problem").textContent(), /does not open/);
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.equal(new URL(page.url()).pathname, `/if/flow/${SLUG}/`);

    const { page: broken } = await open(() => ({ status: 500, body: "oops" }));
    await settled(broken);
    assert.match(await broken.locator("#flow-problem").textContent(), /Something went wrong\. The server answered HTTP 500\./);
    assert.equal(await broken.getByRole("button", { name: "Try again" }).count(), 1);

    const { page: refused } = await open(() => ({ status: 403, contentType: "application/json", body: JSON.stringify({ detail: "CSRF Failed: CSRF token missing." }) }));
    await settled(refused);
    assert.match(await refused.locator("#flow-problem").textContent(), /CSRF Failed: CSRF token missing\./);
  });
});

function field(overrides) {
  return { required: false, placeholder: "", initial_value: "", sub_text: "", choices: null, ...overrides };
}

const promptFields = [
  field({ field_key: "lockdown_reason", label: "Reason", type: "text_area", required: true, order: 200,
    placeholder: "Describe why this account is being locked down...", sub_text: "This explanation will be recorded in the audit log." }),
  field({ field_key: "lockdown_warning", label: "Warning", type: "alert_danger", order: 50,
    initial_value: "<p>You are about to lock down the following account: <code>alice</code></p>" +
      "<img src=\"data:,\" onerror=\"window.pwned=1\"><script>window.pwned=2</script>" }),
  field({ field_key: "lockdown_info", label: "Information", type: "alert_info", order: 100,
    initial_value: "<p>Read <a href=\"https://docs.example.test/lockdown\">the guide</a> first.</p>" }),
  field({ field_key: "notice", label: "Notice", type: "alert_warning", order: 110, initial_value: "<p>Careful.</p>" }),
  field({ field_key: "static_text", label: "ignored", type: "static", order: 10, initial_value: "<p><strong>Static</strong> words</p>" }),
  field({ field_key: "nickname", label: "Nickname", type: "text", order: 210, placeholder: "e.g. Al", initial_value: "Al" }),
  field({ field_key: "account_id", label: "Account ID", type: "text_read_only", order: 220, initial_value: "42" }),
  field({ field_key: "terms", label: "Terms", type: "text_area_read_only", order: 230, initial_value: "Read these." }),
  field({ field_key: "username", label: "Username", type: "username", order: 240, initial_value: "alice" }),
  field({ field_key: "email", label: "Email", type: "email", order: 250, required: true }),
  field({ field_key: "new_password", label: "New password", type: "password", order: 260, initial_value: "never-shown" }),
  field({ field_key: "age", label: "Age", type: "number", order: 270 }),
  field({ field_key: "agree", label: "I agree", type: "checkbox", order: 280 }),
  field({ field_key: "newsletter", label: "Newsletter", type: "checkbox", order: 281, initial_value: "True", sub_text: "Monthly, at most." }),
  field({ field_key: "color", label: "Favourite colour", type: "radio-button-group", order: 290, initial_value: "blue",
    choices: [{ value: "red", label: "Red" }, { value: "blue", label: "Blue" }] }),
  field({ field_key: "country", label: "Country", type: "dropdown", order: 300, initial_value: "fr",
    choices: [{ value: "de", label: "Germany" }, { value: "fr", label: "France" }] }),
  field({ field_key: "birthday", label: "Birthday", type: "date", order: 310 }),
  field({ field_key: "meeting", label: "Meeting", type: "date-time", order: 320 }),
  field({ field_key: "flow_marker", label: "", type: "hidden", order: 330, initial_value: "m-1" }),
  field({ field_key: "sep", label: "", type: "separator", order: 340, placeholder: "More details" }),
];

function promptChallenge() {
  return { component: "ak-stage-prompt", flow_info: flowInfo("Lock Account"), fields: promptFields };
}
