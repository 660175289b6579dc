// Screenshots of the pages the tests pass through, for a person to look at (tests/browser/artifacts/, not
// committed; BROWSER_ARTIFACTS moves them elsewhere).

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./server.js";

export const artifacts = process.env.BROWSER_ARTIFACTS || join(repoRoot, "tests/browser/artifacts");

export async function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}
