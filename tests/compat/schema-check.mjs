// Compares the OpenAPI document a running Warden serves with authentik's (the schema.yml shipped in
// @goauthentik/api), operation by operation, and lints Warden's document.
//
//   node schema-check.mjs [URL]          URL of a running Warden (default $WARDEN_URL, else http://127.0.0.1:9000)
//
// This script starts no server. Every difference is printed; those listed in allowed-differences.json
// (operationId or path, optional `where` prefix, and a reason) are accepted, any other fails the check
// (exit 1), as does a lint error or a YAML rendering that does not match the JSON one.
//
// Linter: @redocly/openapi-core's `recommended` rules, without the few that authentik's own conventions
// break (listed in lintRules below with the reason).
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { load as loadYaml } from 'js-yaml';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { allows, compareDocuments } from './lib/schema-diff.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const authentikSchemaPath = path.join(here, 'node_modules/@goauthentik/api/schema.yml');
export const allowListPath = path.join(here, 'allowed-differences.json');

const lintRules = {
  // authentik's paths all end with a slash (Django's APPEND_SLASH).
  'no-path-trailing-slash': 'off',
  // authentik's operations carry a description and no summary.
  'operation-summary': 'off',
  // drf-spectacular adds nullable to a $ref through a one-element allOf, without a type beside it.
  'nullable-type-sibling': 'off',
  // authentik's document has no license of Warden's to name.
  'info-license': 'off',
};

export function loadAuthentikSchema() {
  return loadYaml(fs.readFileSync(authentikSchemaPath, 'utf8'));
}

export function loadAllowList() {
  const entries = JSON.parse(fs.readFileSync(allowListPath, 'utf8'));
  for (const entry of entries) {
    if (!(entry.operationId || entry.path) || !entry.reason) {
      throw new Error(`${allowListPath}: every entry needs an operationId (or path) and a reason: ${JSON.stringify(entry)}`);
    }
  }
  return entries;
}

async function fetchText(url, accept) {
  const response = await fetch(url, { headers: accept ? { accept } : {} });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.text();
}

/** Lints an OpenAPI document; returns { errors, warnings } as printable lines. */
export async function lint(document) {
  const config = await createConfig({ extends: ['recommended'], rules: lintRules });
  const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'warden-schema.json', config });
  const line = (p) => `${p.ruleId}: ${p.message} (${p.location?.[0]?.pointer ?? ''})`;
  return {
    errors: problems.filter((p) => p.severity === 'error').map(line),
    warnings: problems.filter((p) => p.severity !== 'error').map(line),
  };
}

/**
 * Runs the whole check against the Warden at `url`; prints a report and returns
 * { ok, operations, identical, allowed, unexpected, served: [operationId], lint }.
 */
export async function checkSchema({ url, authentik = loadAuthentikSchema(), allowList = loadAllowList(), print = console.log }) {
  const schemaUrl = `${url.replace(/\/$/, '')}/api/v3/schema/`;
  const warden = JSON.parse(await fetchText(schemaUrl));
  let ok = true;

  const asYaml = loadYaml(await fetchText(`${schemaUrl}?format=yaml`));
  if (!isDeepStrictEqual(asYaml, warden)) {
    print(`schema-check: ${schemaUrl}?format=yaml does not read back to the JSON document`);
    ok = false;
  }

  const results = compareDocuments(warden, authentik);
  const usedEntries = new Set();
  let identical = 0;
  let allowed = 0;
  let unexpected = 0;
  print(`schema-check: ${results.length} operations in ${schemaUrl}, compared with @goauthentik/api's schema.yml`);
  for (const result of results) {
    const label = `${result.operationId} (${result.method} ${result.path})`;
    if (result.differences.length === 0) {
      identical++;
      print(`  identical  ${label}`);
      continue;
    }
    const lines = result.differences.map((d) => {
      const entry = allowList.find((e) => allows(e, d));
      if (entry) {
        usedEntries.add(entry);
        allowed++;
        return `      allowed: ${d.where}: ${d.message} (${entry.reason})`;
      }
      unexpected++;
      return `      DIFFERS: ${d.where}: ${d.message}`;
    });
    print(`  ${lines.some((l) => l.includes('DIFFERS:')) ? 'DIFFERENT' : 'allowed  '}  ${label}`);
    lines.forEach((l) => print(l));
  }
  for (const entry of allowList) {
    if (!usedEntries.has(entry)) {
      print(`  note: allow-list entry matches no difference today: ${JSON.stringify(entry)}`);
    }
  }
  if (unexpected > 0) ok = false;

  const lintResult = await lint(warden);
  print(`lint (@redocly/openapi-core recommended): ${lintResult.errors.length} errors, ${lintResult.warnings.length} warnings`);
  lintResult.errors.forEach((l) => print(`  error: ${l}`));
  lintResult.warnings.forEach((l) => print(`  warning: ${l}`));
  if (lintResult.errors.length > 0) ok = false;

  print(
    `schema-check: ${results.length} operations, ${identical} identical, ${allowed} allowed differences, ` +
      `${unexpected} unexpected differences, ${lintResult.errors.length} lint errors: ${ok ? 'ok' : 'FAILED'}`,
  );
  return { ok, operations: results.length, identical, allowed, unexpected, served: results.map((r) => r.operationId), lint: lintResult };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const url = process.argv[2] ?? process.env.WARDEN_URL ?? 'http://127.0.0.1:9000';
  try {
    const result = await checkSchema({ url });
    process.exit(result.ok ? 0 : 1);
  } catch (error) {
    console.error(`schema-check: ${error.message}`);
    process.exit(1);
  }
}
