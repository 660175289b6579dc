// The comparer itself: authentik's operations compared with themselves are identical, and each kind of
// change to them is reported where it happened.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadAuthentikSchema } from '../schema-check.mjs';
import { allows, compareDocuments, operationMatcher } from './schema-diff.mjs';

const authentik = loadAuthentikSchema();
const sample = ['/core/users/', '/core/users/{id}/', '/core/users/account_lockdown/', '/stages/account_lockdown/', '/flows/executor/{flow_slug}/', '/root/config/'];

/** A document with copies of some of authentik's operations, sharing its components (copy one with own() to change it). */
function subset() {
  return {
    ...authentik,
    paths: structuredClone(Object.fromEntries(sample.map((p) => [p, authentik.paths[p]]))),
    components: { ...authentik.components, schemas: { ...authentik.components.schemas } },
  };
}

function own(doc, name) {
  doc.components.schemas[name] = structuredClone(authentik.components.schemas[name]);
  return doc.components.schemas[name];
}

function differences(doc) {
  return compareDocuments(doc, authentik).flatMap((r) => r.differences.map((d) => `${d.operationId}: ${d.where}: ${d.message}`));
}

describe('schema-diff', () => {
  test("authentik's operations are identical to themselves", () => {
    const results = compareDocuments(subset(), authentik);
    assert.ok(results.length >= 12);
    assert.deepEqual(differences(subset()), []);
  });

  test('a missing, retyped or nullable property is reported inside the response', () => {
    const doc = subset();
    const user = own(doc, 'User');
    delete user.properties.avatar;
    user.properties.last_login.nullable = false;
    user.properties.pk.type = 'string';
    const found = differences(doc);
    assert.ok(found.includes('core_users_retrieve: response 200: properties missing in Warden: avatar'), found.join('\n'));
    assert.ok(found.includes('core_users_retrieve: response 200.last_login: nullable: Warden false, authentik true'));
    assert.ok(found.includes('core_users_retrieve: response 200.pk: type: Warden "string", authentik "integer"'));
    assert.ok(found.includes('core_users_list: response 200.results[].pk: type: Warden "string", authentik "integer"'));
  });

  test('enum values, required fields and component names are compared', () => {
    const doc = subset();
    own(doc, 'UserTypeEnum').enum = ['internal', 'external'];
    own(doc, 'UserRequest').required = ['username'];
    doc.components.schemas.Account = doc.components.schemas.User;
    doc.paths['/core/users/{id}/'].get.responses['200'].content['application/json'].schema.$ref = '#/components/schemas/Account';
    const found = differences(doc);
    assert.ok(found.some((f) => f.startsWith('core_users_create: request body.type: enum: Warden ["internal","external"]')), found.join('\n'));
    assert.ok(found.includes('core_users_create: request body: required in authentik, not in Warden: name'));
    assert.ok(found.includes('core_users_retrieve: response 200: component name: Warden Account, authentik User'));
  });

  test('parameters, request bodies, status codes and paths are compared', () => {
    const doc = subset();
    const retrieve = doc.paths['/core/users/{id}/'].get;
    retrieve.parameters[0].schema = { type: 'string' };
    doc.paths['/core/users/'].get.parameters = doc.paths['/core/users/'].get.parameters.filter((p) => p.name !== 'email');
    delete doc.paths['/core/users/'].post.requestBody.required;
    delete doc.paths['/core/users/{id}/'].delete.responses['204'];
    doc.paths['/core/users/{id}/'].delete.responses['404'] = { description: '' };
    doc.paths['/core/user/{id}/'] = { patch: doc.paths['/core/users/{id}/'].patch };
    delete doc.paths['/core/users/{id}/'].patch;
    const found = differences(doc);
    assert.ok(found.includes('core_users_retrieve: parameter path id: type: Warden "string", authentik "integer"'), found.join('\n'));
    assert.ok(found.includes('core_users_list: parameter query email: missing in Warden'));
    assert.ok(found.includes('core_users_create: request body: required: Warden false, authentik true'));
    assert.ok(found.includes('core_users_destroy: response 204: missing in Warden'));
    assert.ok(found.includes('core_users_destroy: response 404: not in authentik'));
    assert.ok(found.includes('core_users_partial_update: path: Warden /core/user/{id}/, authentik /core/users/{id}/'));
  });

  test('oneOf alternatives are matched by component name', () => {
    const doc = subset();
    const challenges = own(doc, 'ChallengeTypes');
    challenges.oneOf = challenges.oneOf.filter((s) => !s.$ref.endsWith('/PasswordChallenge'));
    const found = differences(doc);
    assert.ok(found.includes('flows_executor_get: response 200: oneOf alternatives missing in Warden: PasswordChallenge'), found.join('\n'));
  });

  test('an allow-list entry covers its operation, or only the differences under its where prefix', () => {
    const difference = { operationId: 'schema_retrieve', path: '/schema/', where: 'parameter query lang', message: 'missing in Warden' };
    assert.ok(allows({ operationId: 'schema_retrieve', reason: 'r' }, difference));
    assert.ok(allows({ path: '/schema/', where: 'parameter query', reason: 'r' }, difference));
    assert.ok(!allows({ operationId: 'schema_retrieve', where: 'response', reason: 'r' }, difference));
    assert.ok(!allows({ operationId: 'root_config_retrieve', reason: 'r' }, difference));
    assert.ok(allows({ operationId: 'schema_retrieve', message: difference.message.slice(0, 5), reason: 'r' }, difference));
    assert.ok(!allows({ operationId: 'schema_retrieve', message: 'something else', reason: 'r' }, difference));
  });

  test('requests map to the operation whose path template is most literal', () => {
    const match = operationMatcher(authentik);
    assert.equal(match('GET', '/core/users/me/'), 'core_users_me_retrieve');
    assert.equal(match('GET', '/core/users/42/'), 'core_users_retrieve');
    assert.equal(match('PATCH', '/core/users/42/'), 'core_users_partial_update');
    assert.equal(match('GET', '/nothing/here/'), undefined);
  });
});
