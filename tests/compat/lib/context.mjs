// What each API area's tests get: the server, client configurations, and a record of every request the
// official client sent (run.mjs maps them to operationIds to count the operations exercised).
import assert from 'node:assert/strict';
import { Configuration, ResponseError } from '@goauthentik/api';

export function createContext(server) {
  const requests = [];
  const recorder = {
    post: async ({ url, init }) => {
      requests.push({ method: (init?.method ?? 'GET').toUpperCase(), url });
    },
  };
  const configuration = (token) =>
    new Configuration({ basePath: `${server.url}/api/v3`, ...(token ? { accessToken: token } : {}), middleware: [recorder] });
  return {
    server,
    requests,
    /** No credentials. */
    anonymous: () => configuration(),
    /** The akadmin bootstrap token (AUTHENTIK_BOOTSTRAP_TOKEN). */
    admin: () => configuration(server.token),
    /** Any bearer token. */
    withToken: (token) => configuration(token),
  };
}

/**
 * Asserts that a client call failed with the client's ResponseError, the given status and exactly the given
 * JSON body (authentik's GenericError / ValidationError shapes). Returns the parsed body.
 */
export async function assertResponseError(promise, status, body) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected a ResponseError ${status}, but the call succeeded`);
  assert.ok(error instanceof ResponseError, `expected a ResponseError, got ${error?.name}: ${error?.message}`);
  assert.equal(error.response.status, status);
  const actual = await error.response.json();
  if (body !== undefined) assert.deepEqual(actual, body);
  return actual;
}
