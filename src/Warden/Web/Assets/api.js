// Calls to the v3 API from the pages, with the session cookie and authentik's CSRF header.

export const CSRF_COOKIE = "authentik_csrf";
export const CSRF_HEADER = "X-authentik-CSRF";

/** The CSRF cookie's current value. Read on every request: logging in replaces it. */
export function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join("="));
  }
  return "";
}

/**
 * Sends a request and reads the JSON answer. Resolves to { ok, status, body } (body is null when the answer is
 * not JSON); rejects only when the server cannot be reached.
 */
export async function apiRequest(method, url, body) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin", redirect: "follow" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (method !== "GET" && method !== "HEAD") headers[CSRF_HEADER] = csrfToken();
  const response = await fetch(url, init);
  let parsed = null;
  const text = await response.text();
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  return { ok: response.ok, status: response.status, body: parsed };
}

/** One readable sentence for a failed API answer (DRF's detail, non_field_errors, or the status). */
export function errorMessage(result) {
  const body = result.body;
  if (body && typeof body.detail === "string") return body.detail;
  if (body && Array.isArray(body.non_field_errors)) return body.non_field_errors.join(" ");
  if (body && typeof body === "object") {
    const messages = Object.entries(body)
      .filter(([, value]) => Array.isArray(value))
      .map(([key, value]) => `${key}: ${value.join(" ")}`);
    if (messages.length) return messages.join(" ");
  }
  return `The server answered HTTP ${result.status}.`;
}

/**
 * Starts an account lockdown: asks the API for the lockdown flow's link (for the given user, or for the caller
 * when userPk is omitted) and navigates there. Resolves to an error message when the API refuses.
 */
export async function startAccountLockdown(userPk) {
  const result = await apiRequest("POST", "/api/v3/core/users/account_lockdown/", userPk === undefined ? {} : { user: userPk });
  if (result.ok && result.body && typeof result.body.link === "string") {
    window.location.assign(result.body.link);
    return null;
  }
  return errorMessage(result);
}
