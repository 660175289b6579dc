// RootApi: /root/config/, and how authentication failures reach the client.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GenericErrorFromJSON, RootApi } from '@goauthentik/api';
import { assertResponseError } from '../lib/context.mjs';

const expectedConfig = {
  errorReporting: { enabled: false, sentryDsn: '', environment: 'customer', sendPii: false, tracesSampleRate: 0 },
  capabilities: [],
  cacheTimeout: 300,
  cacheTimeoutFlows: 300,
  cacheTimeoutPolicies: 300,
};

export default function (context) {
  describe('RootApi', () => {
    test('rootConfigRetrieve answers anonymous callers', async () => {
      const config = await new RootApi(context.anonymous()).rootConfigRetrieve();
      assert.deepEqual(config, expectedConfig);
    });

    test('rootConfigRetrieve answers the bootstrap token', async () => {
      const config = await new RootApi(context.admin()).rootConfigRetrieve();
      assert.deepEqual(config, expectedConfig);
    });

    test('an unknown token is a ResponseError 403 with a GenericError body', async () => {
      const body = await assertResponseError(new RootApi(context.withToken('not-a-token')).rootConfigRetrieve(), 403, {
        detail: 'Token invalid/expired',
      });
      assert.deepEqual(GenericErrorFromJSON(body), { detail: 'Token invalid/expired', code: undefined });
    });
  });
}
