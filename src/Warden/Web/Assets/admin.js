// The admin page (/if/admin/): a user list with search (#/identity/users?search=...) and a user detail view
// (#/identity/users/<pk>), both read from the users API with the session cookie.

import { apiRequest, errorMessage, startAccountLockdown } from "./api.js";
import { h, replace } from "./dom.js";

const main = document.getElementById("admin");
const heading = document.getElementById("admin-heading");
const view = document.getElementById("admin-view");

// The page title is "Admin - <brand>"; views replace the part before the brand.
const titleSuffix = document.title.includes(" - ") ? document.title.slice(document.title.indexOf(" - ")) : "";

let latest = 0;
let shownKind = null;

function route() {
  const hash = window.location.hash.replace(/^#/, "");
  const detail = /^\/identity\/users\/(\d+)\/?$/.exec(hash);
  if (detail) return showUser(detail[1]);
  const params = new URLSearchParams(hash.split("?")[1] ?? "");
  return showUsers(params.get("search") ?? "", Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1));
}

/** Loads one API answer for the current view; answers to views the person already left are dropped. */
async function load(url) {
  const request = ++latest;
  main.setAttribute("aria-busy", "true");
  try {
    const result = await apiRequest("GET", url);
    return request === latest ? result : null;
  } catch {
    return request === latest ? { ok: false, status: 0, body: { detail: "The server could not be reached." } } : null;
  } finally {
    if (request === latest) main.setAttribute("aria-busy", "false");
  }
}

function settle(kind, title) {
  heading.textContent = title;
  document.title = `${title}${titleSuffix}`;
  if (shownKind !== null && shownKind !== kind) heading.focus();
  shownKind = kind;
}

function problem(result) {
  return h("div", { class: "alert alert-danger", role: "alert", id: "admin-error" }, h("p", {}, errorMessage(result)));
}

function yesNo(value) {
  return value ? "Yes" : "No";
}

function when(value) {
  return value ? new Date(value).toLocaleString() : "Never";
}

function usersHash(search, page) {
  const params = new URLSearchParams();
  if (search) params.set("search", search);
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return `#/identity/users${query ? `?${query}` : ""}`;
}

// ---- list ---------------------------------------------------------------------------------------------

async function showUsers(search, page) {
  settle("list", "Users");
  const input = h("input", { type: "search", id: "user-search", name: "search", value: search, autocomplete: "off" });
  const form = h("form", { class: "search", role: "search", id: "user-search-form" },
    h("label", { for: "user-search" }, "Search users"),
    h("div", { class: "row" }, input, h("button", { type: "submit", class: "button" }, "Search")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.location.hash = usersHash(input.value.trim(), 1);
  });
  const results = h("div", { id: "user-results" }, h("p", { class: "status", role: "status" }, "Loading…"));
  const hadFocus = document.activeElement?.id === "user-search";
  replace(view, form, results);
  if (hadFocus) input.focus();

  const query = new URLSearchParams({ ordering: "username", page: String(page) });
  if (search) query.set("search", search);
  const result = await load(`/api/v3/core/users/?${query}`);
  if (!result) return;
  if (!result.ok || !Array.isArray(result.body?.results)) {
    replace(results, problem(result));
    return;
  }
  const { results: users, pagination = {} } = result.body;
  const count = pagination.count ?? users.length;
  replace(results,
    h("p", { class: "status", role: "status", id: "user-count" },
      count === 1 ? "1 user" : `${count} users`, search ? ` matching “${search}”` : ""),
    users.length === 0 ? null : h("table", { class: "list", id: "user-table" },
      h("caption", { class: "visually-hidden" }, "Users"),
      h("thead", {}, h("tr", {}, ["Username", "Name", "Email", "Active", "Last login"].map((title) => h("th", { scope: "col" }, title)))),
      h("tbody", {}, users.map((user) => h("tr", { "data-pk": user.pk },
        h("th", { scope: "row" }, h("a", { href: `#/identity/users/${encodeURIComponent(user.pk)}` }, user.username)),
        h("td", {}, user.name),
        h("td", {}, user.email ?? ""),
        h("td", {}, yesNo(user.is_active)),
        h("td", {}, when(user.last_login)))))),
    pager(search, pagination));
}

function pager(search, pagination) {
  const total = pagination.total_pages ?? 1;
  if (total <= 1) return null;
  return h("nav", { class: "pager", "aria-label": "Pages" },
    pagination.previous ? h("a", { href: usersHash(search, pagination.previous), rel: "prev" }, "Previous") : null,
    h("span", {}, `Page ${pagination.current ?? 1} of ${total}`),
    pagination.next ? h("a", { href: usersHash(search, pagination.next), rel: "next" }, "Next") : null);
}

// ---- detail -------------------------------------------------------------------------------------------

async function showUser(pk) {
  settle("detail", "User");
  replace(view, h("p", { class: "status", role: "status" }, "Loading…"));
  const result = await load(`/api/v3/core/users/${encodeURIComponent(pk)}/`);
  if (!result) return;
  const back = h("p", {}, h("a", { href: "#/identity/users", id: "back-to-users" }, "All users"));
  if (!result.ok || !result.body) {
    replace(view, back, problem(result));
    return;
  }
  const user = result.body;
  settle("detail", user.username);
  const rows = [
    ["Username", user.username],
    ["Name", user.name],
    ["Email", user.email || "—"],
    ["Active", yesNo(user.is_active)],
    ["Type", user.type ?? ""],
    ["Superuser", yesNo(user.is_superuser)],
    ["Groups", (user.groups_obj ?? []).map((group) => group.name).join(", ") || "—"],
    ["Path", user.path ?? ""],
    ["Last login", when(user.last_login)],
    ["Joined", when(user.date_joined)],
    ["UUID", user.uuid ?? ""],
  ];
  replace(view,
    back,
    h("dl", { class: "details", id: "user-details", "data-pk": user.pk }, rows.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
    lockdownActions(user));
}

/**
 * authentik's user card action: a red "Account Lockdown" button, offered only with an active enterprise licence,
 * never for yourself (that is the user page's "Lock my account") and never for an internal service account.
 */
function lockdownActions(user) {
  const main = document.getElementById("admin");
  const actions = h("div", { class: "actions", id: "user-actions", "data-user-pk": user.pk });
  const licensed = main?.dataset.enterprise === "true";
  const self = String(user.pk) === main?.dataset.currentUserPk;
  if (!licensed || self || user.type === "internal_service_account") return actions;
  const error = h("p", { class: "alert alert-danger", role: "alert", id: "account-lockdown-error", hidden: true });
  const button = h("button", { type: "button", class: "button danger", id: "account-lockdown" }, "Account Lockdown");
  button.addEventListener("click", async () => {
    button.disabled = true;
    const message = await startAccountLockdown(user.pk);
    if (message) {
      error.textContent = message;
      error.hidden = false;
      button.disabled = false;
    }
  });
  actions.append(error, button);
  return actions;
}

window.addEventListener("hashchange", route);
route();
