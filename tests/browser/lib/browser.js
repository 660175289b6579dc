// The machine's Chromium, driven by playwright-core. Playwright never downloads a browser here.

import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/**
 * Launches headless Chromium. Playwright gives every launch a new, empty profile directory (its own
 * --user-data-dir), removed on close. The background-networking flags keep Chromium off the network.
 */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A new page in a fresh context (no cookies), with every console error and failed page error collected in
 * page.problems, so a test can assert the page ran cleanly (a CSP violation shows up there).
 */
export async function newPage(browser, baseURL) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  page.problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") page.problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => page.problems.push(`pageerror: ${error.message}`));
  return page;
}
