// The flow interface: asks the flow executor API for the current challenge, renders it (stages.js), posts
// the person's answer, and renders whatever comes back. Between stages the executor answers a POST with a
// plain 302 to itself; fetch follows it with a GET on its own, so every answer here is a challenge.

import { CSRF_HEADER, csrfToken, errorMessage } from "./api.js";
import { h, replace } from "./dom.js";
import { renderStage } from "./stages.js";

const main = document.getElementById("flow");
const heading = document.getElementById("flow-heading");
const status = document.getElementById("flow-status");
const stage = document.getElementById("flow-stage");

const slug = main.dataset.flowSlug;
const defaultTitle = main.dataset.flowTitle;
// The executor gets the page's own query string (next=..., flow tokens) as one parameter, as in authentik.
const executorUrl =
  `/api/v3/flows/executor/${encodeURIComponent(slug)}/` +
  `?query=${encodeURIComponent(window.location.search.replace(/^\?/, ""))}`;

async function exchange(init) {
  main.setAttribute("aria-busy", "true");
  status.textContent = "Loading…";
  try {
    let response;
    try {
      response = await fetch(executorUrl, {
        ...init,
        credentials: "same-origin",
        redirect: "follow",
        headers: { Accept: "application/json", ...init.headers },
      });
    } catch {
      showProblem("The server could not be reached. Check your connection and try again.");
      return;
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (!response.ok || !body || typeof body.component !== "string") {
      showProblem(errorMessage({ status: response.status, body }));
      return;
    }
    show(body);
  } finally {
    main.setAttribute("aria-busy", "false");
  }
}

function submit(payload) {
  return exchange({
    method: "POST",
    headers: { "Content-Type": "application/json", [CSRF_HEADER]: csrfToken() },
    body: JSON.stringify(payload),
  });
}

function show(challenge) {
  if (challenge.component === "xak-flow-redirect") {
    navigate(challenge.to);
    return;
  }
  heading.textContent = challenge.flow_info?.title || defaultTitle;
  const { element, focus } = renderStage(challenge, { submit });
  replace(stage, element);
  status.textContent = "";
  (focus ?? heading).focus();
}

/** The flow sends the whole window elsewhere: the next flow, the application, or "/" at the end. */
function navigate(to) {
  let target = null;
  try {
    target = new URL(to, window.location.href);
  } catch {
    target = null;
  }
  // Only web addresses: a javascript: or data: URL must never be "navigated" to from a challenge.
  if (!target || (target.protocol !== "https:" && target.protocol !== "http:")) {
    showProblem("The flow asked to continue at an address this page does not open.");
    return;
  }
  status.textContent = "Redirecting…";
  window.location.assign(target.href);
}

function showProblem(message) {
  replace(
    stage,
    h("div", { class: "alert alert-danger", role: "alert", id: "flow-problem" },
      h("p", {}, h("strong", {}, "Something went wrong."), " ", message)),
    h("button", { type: "button", class: "button", onclick: () => window.location.reload() }, "Try again"),
  );
  status.textContent = "";
}

exchange({ method: "GET" });
