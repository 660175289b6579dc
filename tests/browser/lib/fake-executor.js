// A test-only fake of the flow executor API (/api/v3/flows/executor/<slug>/).
//
// It is a small HTTP proxy in front of the real server: the browser talks to the proxy, which answers executor
// calls from a per-test script and forwards everything else (pages, assets, other APIs) to Warden untouched.
// A proxy rather than Playwright's page.route(): a route fulfilled with a 302 is followed by the browser without
// routing the redirected request again, so the executor's raw 302-to-itself could not be faked with it.

import { request as httpRequest, createServer } from "node:http";

/** The common envelope of every challenge, as authentik sends it. */
export function flowInfo(title = "Welcome to Warden") {
  return { title, background: "", cancel_url: "/flows/-/cancel/", layout: "stacked" };
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/**
 * Starts the proxy in front of `upstream` (the real server's base URL). Returns { url, script(answer), close() }.
 * script(answer) replaces the script and returns the (new) array of recorded calls
 * { method, path, url (path and query), query (the `query` parameter), headers, body }.
 * `answer(call, calls)` returns one of:
 *   a challenge object         → 200 with that JSON
 *   { status, body }           → that status with that raw body
 *   { redirect: "<url>" }      → a raw 302 to that URL (as the executor does between stages)
 */
export async function startFakeExecutor(upstream) {
  let answer = () => ({ status: 500, body: "no script for this test" });
  let calls = [];
  const server = createServer(async (incoming, outgoing) => {
    const url = new URL(incoming.url, "http://fake");
    if (!url.pathname.startsWith("/api/v3/flows/executor/")) {
      const forwarded = httpRequest(new URL(incoming.url, upstream), { method: incoming.method, headers: incoming.headers }, (response) => {
        outgoing.writeHead(response.statusCode, response.headers);
        response.pipe(outgoing);
      });
      forwarded.on("error", (error) => { outgoing.writeHead(502); outgoing.end(String(error)); });
      incoming.pipe(forwarded);
      return;
    }
    const raw = await readBody(incoming);
    const call = {
      method: incoming.method,
      path: url.pathname,
      url: url.pathname + url.search,
      query: url.searchParams.get("query"),
      headers: incoming.headers,
      body: raw ? JSON.parse(raw) : null,
    };
    calls.push(call);
    const reply = await answer(call, calls);
    if (reply && typeof reply.redirect === "string") {
      outgoing.writeHead(302, { Location: reply.redirect });
      outgoing.end();
    } else if (reply && typeof reply.status === "number") {
      outgoing.writeHead(reply.status, { "Content-Type": reply.contentType ?? "text/plain" });
      outgoing.end(reply.body ?? "");
    } else {
      outgoing.writeHead(200, { "Content-Type": "application/json" });
      outgoing.end(JSON.stringify(reply));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    script(next) {
      answer = next;
      calls = [];
      return calls;
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
