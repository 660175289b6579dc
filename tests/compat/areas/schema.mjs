// SchemaApi: /schema/, Warden's own OpenAPI document, read through the client.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FormatEnum, SchemaApi } from '@goauthentik/api';
import { assertResponseError } from '../lib/context.mjs';

export default function (context) {
  describe('SchemaApi', () => {
    test('schemaRetrieve returns the OpenAPI document as JSON', async () => {
      const document = await new SchemaApi(context.anonymous()).schemaRetrieve();
      assert.equal(document.openapi, '3.0.3');
      assert.deepEqual(document.servers, [{ url: '/api/v3' }]);
      assert.equal(document.paths['/root/config/'].get.operationId, 'root_config_retrieve');
    });

    test('schemaRetrieve with format json returns the same document', async () => {
      const api = new SchemaApi(context.admin());
      assert.deepEqual(await api.schemaRetrieve({ format: FormatEnum.Json }), await api.schemaRetrieve());
    });

    test('an unknown token is refused before the schema is served', async () => {
      await assertResponseError(new SchemaApi(context.withToken('not-a-token')).schemaRetrieve(), 403, { detail: 'Token invalid/expired' });
    });
  });
}
