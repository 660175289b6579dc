// EnterpriseApi: licences. The compat server has none installed and cannot sign one, so this drives every
// operation with what an unlicensed installation answers and with the refusals a bad key or unknown licence gets.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CoreApi, EnterpriseApi, IntentEnum } from '@goauthentik/api';
import { randomBytes } from 'node:crypto';
import { assertResponseError } from '../lib/context.mjs';

const missingUuid = '00000000-0000-4000-8000-000000000000';
const noLicense = { detail: 'No License matches the given query.' };

export default function (context) {
  const enterprise = () => new EnterpriseApi(context.admin());

  describe('EnterpriseApi licences', () => {
    test('enterpriseLicenseList, enterpriseLicenseSummaryRetrieve and enterpriseLicenseForecastRetrieve show an unlicensed installation', async () => {
      const api = enterprise();
      const list = await api.enterpriseLicenseList({ ordering: 'name', search: 'compat', pageSize: 5 });
      assert.deepEqual(list.results, []);
      assert.equal(list.pagination.count, 0);
      const summary = await api.enterpriseLicenseSummaryRetrieve({ cached: false });
      assert.equal(summary.internalUsers, 0);
      assert.equal(summary.externalUsers, 0);
      const forecast = await api.enterpriseLicenseForecastRetrieve();
      assert.equal(typeof forecast.forecastedInternalUsers, 'number');
    });

    test('enterpriseLicenseInstallIdRetrieve answers the installation id', async () => {
      const { installId } = await enterprise().enterpriseLicenseInstallIdRetrieve();
      assert.match(installId, /^[0-9a-f-]{36}$/);
    });

    test('enterpriseLicenseCreate refuses a key it cannot verify with a ValidationError body', async () => {
      const api = enterprise();
      await assertResponseError(api.enterpriseLicenseCreate({ licenseRequest: { key: 'not-a-licence' } }), 400, { key: ['Unable to verify license'] });
      await assertResponseError(api.enterpriseLicenseCreate({ licenseRequest: { key: '' } }), 400, { key: ['This field may not be blank.'] });
    });

    test('enterpriseLicenseRetrieve, enterpriseLicenseUpdate, enterpriseLicensePartialUpdate, enterpriseLicenseDestroy and enterpriseLicenseUsedByList answer 404 for an unknown licence', async () => {
      const api = enterprise();
      await assertResponseError(api.enterpriseLicenseRetrieve({ licenseUuid: missingUuid }), 404, noLicense);
      await assertResponseError(api.enterpriseLicenseUpdate({ licenseUuid: missingUuid, licenseRequest: { key: 'x' } }), 404, noLicense);
      await assertResponseError(api.enterpriseLicensePartialUpdate({ licenseUuid: missingUuid, patchedLicenseRequest: {} }), 404, noLicense);
      await assertResponseError(api.enterpriseLicenseDestroy({ licenseUuid: missingUuid }), 404, noLicense);
      await assertResponseError(api.enterpriseLicenseUsedByList({ licenseUuid: missingUuid }), 404, noLicense);
    });

    test('a user without permissions is refused with a GenericError body', async () => {
      const core = new CoreApi(context.admin());
      const user = await core.coreUsersCreate({ userRequest: { username: `compat-licence-${randomBytes(4).toString('hex')}`, name: 'No licences' } });
      const token = await core.coreTokensCreate({ tokenRequest: { identifier: `compat-licence-${randomBytes(4).toString('hex')}`, intent: IntentEnum.Api, user: user.pk } });
      const { key } = await core.coreTokensViewKeyRetrieve({ identifier: token.identifier });
      await assertResponseError(new EnterpriseApi(context.withToken(key)).enterpriseLicenseForecastRetrieve(), 403, {
        detail: 'You do not have permission to perform this action.',
      });
    });
  });
}
