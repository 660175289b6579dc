// CoreApi: users, groups, tokens, brands and authenticated sessions, driven through the official client.
// Every test makes its own objects (names carry a random suffix), so tests never depend on each other's rows.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { CoreApi, IntentEnum, UserTypeEnum } from '@goauthentik/api';
import { assertResponseError } from '../lib/context.mjs';

const unique = (prefix) => `${prefix}-${randomBytes(4).toString('hex')}`;
const missingUuid = '00000000-0000-4000-8000-000000000000';
const notFound = { detail: 'No User matches the given query.' };

export default function (context) {
  const admin = () => new CoreApi(context.admin());

  /** A new internal user, and a CoreApi that acts as that user through an API token. */
  async function userWithToken(api = admin()) {
    const user = await api.coreUsersCreate({ userRequest: { username: unique('compat'), name: 'Compat User' } });
    const token = await api.coreTokensCreate({ tokenRequest: { identifier: unique('compat-token'), intent: IntentEnum.Api, user: user.pk } });
    const { key } = await api.coreTokensViewKeyRetrieve({ identifier: token.identifier });
    return { user, token, client: new CoreApi(context.withToken(key)) };
  }

  describe('CoreApi users', () => {
    test('coreUsersCreate, coreUsersRetrieve, coreUsersUpdate, coreUsersPartialUpdate and coreUsersDestroy', async () => {
      const api = admin();
      const username = unique('compat-crud');
      const created = await api.coreUsersCreate({
        userRequest: { username, name: 'Created', email: `${username}@example.test`, attributes: { team: 'red' }, path: 'compat' },
      });
      assert.equal(created.username, username);
      assert.equal(created.name, 'Created');
      assert.equal(created.isActive, true);
      assert.equal(created.type, UserTypeEnum.Internal);
      assert.equal(created.path, 'compat');
      assert.deepEqual(created.attributes, { team: 'red' });
      assert.ok(created.dateJoined instanceof Date);
      assert.equal(created.lastLogin, undefined); // the client reads last_login: null as undefined

      const fetched = await api.coreUsersRetrieve({ id: created.pk });
      assert.equal(fetched.uuid, created.uuid);
      assert.deepEqual(fetched.groupsObj, []);

      const updated = await api.coreUsersUpdate({ id: created.pk, userRequest: { username, name: 'Updated', isActive: false } });
      assert.equal(updated.name, 'Updated');
      assert.equal(updated.isActive, false);

      const patched = await api.coreUsersPartialUpdate({ id: created.pk, patchedUserRequest: { name: 'Patched' } });
      assert.equal(patched.name, 'Patched');
      assert.equal(patched.isActive, false);
      assert.equal(patched.email, `${username}@example.test`);

      assert.deepEqual(await api.coreUsersUsedByList({ id: created.pk }), []);
      await api.coreUsersDestroy({ id: created.pk });
      await assertResponseError(api.coreUsersRetrieve({ id: created.pk }), 404, notFound);
    });

    test('coreUsersList pages, filters, searches and orders', async () => {
      const api = admin();
      const tag = unique('compat-list');
      const created = [];
      for (const suffix of ['c', 'a', 'b']) {
        created.push(
          await api.coreUsersCreate({ userRequest: { username: `${tag}-${suffix}`, name: `List ${suffix}`, attributes: { tag, suffix } } }),
        );
      }
      const page = await api.coreUsersList({ search: tag, ordering: 'username', pageSize: 2 });
      assert.deepEqual(page.results.map((u) => u.username), [`${tag}-a`, `${tag}-b`]);
      assert.equal(page.pagination.count, 3);
      assert.equal(page.pagination.totalPages, 2);
      assert.equal(page.pagination.next, 2);
      const second = await api.coreUsersList({ search: tag, ordering: 'username', pageSize: 2, page: 2 });
      assert.deepEqual(second.results.map((u) => u.username), [`${tag}-c`]);

      const descending = await api.coreUsersList({ search: tag, ordering: '-username' });
      assert.deepEqual(descending.results.map((u) => u.username), [`${tag}-c`, `${tag}-b`, `${tag}-a`]);
      const byName = await api.coreUsersList({ username: `${tag}-b` });
      assert.deepEqual(byName.results.map((u) => u.pk), [created[2].pk]);
      const byAttributes = await api.coreUsersList({ attributes: JSON.stringify({ tag, suffix: 'a' }) });
      assert.deepEqual(byAttributes.results.map((u) => u.username), [`${tag}-a`]);
      const byType = await api.coreUsersList({ search: tag, type: [UserTypeEnum.External] });
      assert.deepEqual(byType.results, []);
      const withoutGroups = await api.coreUsersList({ uuid: created[0].uuid, includeGroups: false });
      assert.equal(withoutGroups.results[0].groupsObj, null);

      await assertResponseError(api.coreUsersList({ attributes: 'nope' }), 400, ['filter: failed to parse JSON']);
      await assertResponseError(api.coreUsersList({ search: tag, page: 9 }), 404, { detail: 'Invalid page.' });
    });

    test('coreUsersCreate refuses invalid input with a ValidationError body', async () => {
      const api = admin();
      await assertResponseError(api.coreUsersCreate({ userRequest: { username: '', name: 'x' } }), 400, {
        username: ['This field may not be blank.'],
      });
      const taken = unique('compat-taken');
      await api.coreUsersCreate({ userRequest: { username: taken, name: 'x' } });
      await assertResponseError(api.coreUsersCreate({ userRequest: { username: taken, name: 'x' } }), 400, {
        username: ['This field must be unique.'],
      });
      await assertResponseError(api.coreUsersRetrieve({ id: 2147483000 }), 404, notFound);
    });

    test('coreUsersMeRetrieve and coreUsersPathsRetrieve answer for the caller', async () => {
      const { user, client } = await userWithToken();
      const me = await client.coreUsersMeRetrieve();
      assert.equal(me.user.pk, user.pk);
      assert.equal(me.user.username, user.username);
      assert.equal(me.user.isSuperuser, false);
      assert.deepEqual(me.user.groups, []);
      assert.equal(me.original, undefined);
      assert.deepEqual(me.users.map((u) => u.pk), [user.pk]);

      const paths = await admin().coreUsersPathsRetrieve({ search: user.username });
      assert.deepEqual(paths.paths, ['users']);
      await assertResponseError(client.coreUsersPathsRetrieve(), 403, { detail: 'You do not have permission to perform this action.' });
    });

    test('coreUsersSetPasswordCreate and coreUsersSetPasswordHashCreate change the password', async () => {
      const api = admin();
      const user = await api.coreUsersCreate({ userRequest: { username: unique('compat-password'), name: 'Password' } });
      await api.coreUsersSetPasswordCreate({ id: user.pk, userPasswordSetRequest: { password: 'a-new-long-password' } });
      const changed = await api.coreUsersRetrieve({ id: user.pk });
      assert.ok(changed.passwordChangeDate.getTime() >= user.passwordChangeDate.getTime());
      await api.coreUsersSetPasswordHashCreate({
        id: user.pk,
        userPasswordHashSetRequest: { password: 'pbkdf2_sha256$870000$c2FsdHNhbHQ$0VmHEcvMwS3V0TBgHeOdkDq9E8XJ5e7H6w1JbGfhRkw=' },
      });
      await assertResponseError(api.coreUsersSetPasswordHashCreate({ id: user.pk, userPasswordHashSetRequest: { password: 'plain' } }), 400);
    });

    test('coreUsersServiceAccountCreate makes a service account with its token', async () => {
      const api = admin();
      const name = unique('compat-sa');
      const account = await api.coreUsersServiceAccountCreate({ userServiceAccountRequest: { name, createGroup: false, expiring: false } });
      assert.equal(account.username, name);
      assert.ok(account.token.length > 0);
      const user = await api.coreUsersRetrieve({ id: account.userPk });
      assert.equal(user.type, UserTypeEnum.ServiceAccount);
      assert.equal(user.uid, account.userUid);
    });
  });

  describe('CoreApi groups', () => {
    test('coreGroupsCreate, coreGroupsRetrieve, coreGroupsUpdate, coreGroupsPartialUpdate and coreGroupsDestroy', async () => {
      const api = admin();
      const name = unique('compat-group');
      const group = await api.coreGroupsCreate({ groupRequest: { name, attributes: { level: 1 } } });
      assert.equal(group.name, name);
      assert.equal(group.isSuperuser, false);
      assert.deepEqual(group.attributes, { level: 1 });
      assert.deepEqual(group.usersObj, []);

      const fetched = await api.coreGroupsRetrieve({ groupUuid: group.pk, includeUsers: false });
      assert.equal(fetched.usersObj, null);
      const updated = await api.coreGroupsUpdate({ groupUuid: group.pk, groupRequest: { name: `${name}-renamed` } });
      assert.equal(updated.name, `${name}-renamed`);
      const patched = await api.coreGroupsPartialUpdate({ groupUuid: group.pk, patchedGroupRequest: { attributes: { level: 2 } } });
      assert.deepEqual(patched.attributes, { level: 2 });
      assert.equal(patched.name, `${name}-renamed`);

      assert.deepEqual(await api.coreGroupsUsedByList({ groupUuid: group.pk }), []);
      await api.coreGroupsDestroy({ groupUuid: group.pk });
      await assertResponseError(api.coreGroupsRetrieve({ groupUuid: group.pk }), 404, { detail: 'No Group matches the given query.' });
    });

    test('coreGroupsAddUserCreate and coreGroupsRemoveUserCreate change the members, coreGroupsList filters by them', async () => {
      const api = admin();
      const group = await api.coreGroupsCreate({ groupRequest: { name: unique('compat-members') } });
      const user = await api.coreUsersCreate({ userRequest: { username: unique('compat-member'), name: 'Member' } });
      await api.coreGroupsAddUserCreate({ groupUuid: group.pk, userAccountRequest: { pk: user.pk } });
      const withMember = await api.coreGroupsRetrieve({ groupUuid: group.pk });
      assert.deepEqual(withMember.users, [user.pk]);
      assert.deepEqual(withMember.usersObj.map((u) => u.username), [user.username]);

      const listed = await api.coreGroupsList({ membersByPk: [user.pk] });
      assert.deepEqual(listed.results.map((g) => g.pk), [group.pk]);
      const byUsername = await api.coreGroupsList({ membersByUsername: [user.username], includeUsers: false });
      assert.deepEqual(byUsername.results.map((g) => g.name), [group.name]);
      const searched = await api.coreGroupsList({ search: group.name, ordering: '-name', pageSize: 5 });
      assert.deepEqual(searched.results.map((g) => g.pk), [group.pk]);

      await api.coreGroupsRemoveUserCreate({ groupUuid: group.pk, userAccountRequest: { pk: user.pk } });
      assert.deepEqual((await api.coreGroupsRetrieve({ groupUuid: group.pk })).users, []);
      await assertResponseError(api.coreGroupsAddUserCreate({ groupUuid: group.pk, userAccountRequest: { pk: 2147483000 } }), 404);
    });

    test('coreGroupsCreate and coreGroupsList refuse invalid input', async () => {
      const api = admin();
      await assertResponseError(api.coreGroupsCreate({ groupRequest: { name: '' } }), 400, { name: ['This field may not be blank.'] });
      await assertResponseError(api.coreGroupsList({ membersByPk: [2147483000] }), 400, {
        members_by_pk: ['Select a valid choice. 2147483000 is not one of the available choices.'],
      });
      await assertResponseError(api.coreGroupsRetrieve({ groupUuid: missingUuid }), 404, { detail: 'No Group matches the given query.' });
    });
  });

  describe('CoreApi tokens', () => {
    test('coreTokensCreate, coreTokensRetrieve, coreTokensUpdate, coreTokensPartialUpdate and coreTokensDestroy', async () => {
      const api = admin();
      const me = await api.coreUsersMeRetrieve();
      const identifier = unique('compat-token');
      const token = await api.coreTokensCreate({ tokenRequest: { identifier, intent: IntentEnum.Api, description: 'first', expiring: false } });
      assert.equal(token.identifier, identifier);
      assert.equal(token.user, me.user.pk);
      assert.equal(token.userObj.username, me.user.username);
      assert.equal(token.expiring, false);

      assert.equal((await api.coreTokensRetrieve({ identifier })).description, 'first');
      const updated = await api.coreTokensUpdate({ identifier, tokenRequest: { identifier, intent: IntentEnum.Api, description: 'second', expiring: false } });
      assert.equal(updated.description, 'second');
      const patched = await api.coreTokensPartialUpdate({ identifier, patchedTokenRequest: { description: 'third' } });
      assert.equal(patched.description, 'third');

      const listed = await api.coreTokensList({ identifier, ordering: 'expires', pageSize: 1 });
      assert.deepEqual(listed.results.map((t) => t.pk), [token.pk]);
      const searched = await api.coreTokensList({ search: identifier, intent: IntentEnum.Api });
      assert.deepEqual(searched.results.map((t) => t.identifier), [identifier]);

      assert.deepEqual(await api.coreTokensUsedByList({ identifier }), []);
      await api.coreTokensDestroy({ identifier });
      await assertResponseError(api.coreTokensRetrieve({ identifier }), 404, { detail: 'No Token matches the given query.' });
    });

    test('coreTokensViewKeyRetrieve and coreTokensSetKeyCreate read and replace the key', async () => {
      const api = admin();
      const { token, client } = await userWithToken(api);
      const key = `compat-${randomBytes(24).toString('hex')}`;
      await api.coreTokensSetKeyCreate({ identifier: token.identifier, tokenSetKeyRequest: { key } });
      assert.deepEqual(await api.coreTokensViewKeyRetrieve({ identifier: token.identifier }), { key });
      await assertResponseError(client.coreUsersMeRetrieve(), 403, { detail: 'Token invalid/expired' });
      const replaced = new CoreApi(context.withToken(key));
      assert.equal((await replaced.coreUsersMeRetrieve()).user.pk, token.user);
    });

    test('coreTokensCreate refuses invalid input', async () => {
      const api = admin();
      await assertResponseError(api.coreTokensCreate({ tokenRequest: { identifier: 'not a slug' } }), 400, {
        identifier: ['Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'],
      });
    });
  });

  describe('CoreApi brands', () => {
    test('coreBrandsCreate, coreBrandsRetrieve, coreBrandsUpdate, coreBrandsPartialUpdate, coreBrandsList and coreBrandsDestroy', async () => {
      const api = admin();
      const domain = `${unique('compat')}.example.test`;
      const brand = await api.coreBrandsCreate({ brandRequest: { domain, brandingTitle: 'Compat', attributes: { settings: { locale: 'de' } } } });
      assert.equal(brand.domain, domain);
      assert.equal(brand._default, false);
      assert.equal(brand.brandingTitle, 'Compat');
      assert.deepEqual(brand.clientCertificates, []);

      assert.equal((await api.coreBrandsRetrieve({ brandUuid: brand.brandUuid })).domain, domain);
      const updated = await api.coreBrandsUpdate({ brandUuid: brand.brandUuid, brandRequest: { domain, brandingTitle: 'Updated' } });
      assert.equal(updated.brandingTitle, 'Updated');
      const patched = await api.coreBrandsPartialUpdate({ brandUuid: brand.brandUuid, patchedBrandRequest: { brandingCustomCss: 'body{}' } });
      assert.equal(patched.brandingCustomCss, 'body{}');
      assert.equal(patched.brandingTitle, 'Updated');

      const listed = await api.coreBrandsList({ domain, ordering: '-domain', pageSize: 1 });
      assert.deepEqual(listed.results.map((b) => b.brandUuid), [brand.brandUuid]);
      const searched = await api.coreBrandsList({ search: domain });
      assert.deepEqual(searched.results.map((b) => b.domain), [domain]);

      assert.deepEqual(await api.coreBrandsUsedByList({ brandUuid: brand.brandUuid }), []);
      await api.coreBrandsDestroy({ brandUuid: brand.brandUuid });
      await assertResponseError(api.coreBrandsRetrieve({ brandUuid: brand.brandUuid }), 404, { detail: 'No Brand matches the given query.' });
    });

    test('coreBrandsCurrentRetrieve answers anonymous callers', async () => {
      const current = await new CoreApi(context.anonymous()).coreBrandsCurrentRetrieve();
      assert.equal(typeof current.brandingTitle, 'string');
      assert.equal(current.uiTheme, 'automatic');
      assert.deepEqual(current.uiFooterLinks, []);
      assert.deepEqual(current.flags, { flowsContinuousLogin: false, flowsRefreshOthers: false });
    });

    test('coreBrandsCreate refuses invalid input', async () => {
      const api = admin();
      await assertResponseError(api.coreBrandsCreate({ brandRequest: { domain: '' } }), 400, { domain: ['This field may not be blank.'] });
      await assertResponseError(api.coreBrandsCreate({ brandRequest: { domain: `${unique('x')}.test`, attributes: [] } }), 400, {
        attributes: ['Value must be a dictionary, and not have any duplicate keys.'],
      });
    });
  });

  describe('CoreApi authenticated sessions', () => {
    test('coreAuthenticatedSessionsList shows a token caller no browser sessions', async () => {
      const { client } = await userWithToken();
      const sessions = await client.coreAuthenticatedSessionsList({ ordering: 'user__username', search: 'compat' });
      assert.deepEqual(sessions.results, []);
      assert.equal(sessions.pagination.count, 0);
    });

    test('coreAuthenticatedSessionsRetrieve, coreAuthenticatedSessionsDestroy and coreAuthenticatedSessionsUsedByList answer 404 for an unknown session', async () => {
      const api = admin();
      const notFoundSession = { detail: 'No AuthenticatedSession matches the given query.' };
      await assertResponseError(api.coreAuthenticatedSessionsRetrieve({ uuid: missingUuid }), 404, notFoundSession);
      await assertResponseError(api.coreAuthenticatedSessionsDestroy({ uuid: missingUuid }), 404, notFoundSession);
      await assertResponseError(api.coreAuthenticatedSessionsUsedByList({ uuid: missingUuid }), 404);
    });

    test('coreAuthenticatedSessionsBulkDeleteDestroy ends the sessions of the given users', async () => {
      const { user, client } = await userWithToken();
      assert.deepEqual(await admin().coreAuthenticatedSessionsBulkDeleteDestroy({ userPks: [user.pk] }), { deleted: 0 });
      await assertResponseError(client.coreAuthenticatedSessionsBulkDeleteDestroy({ userPks: [user.pk] }), 403, {
        detail: 'You do not have permission to perform this action.',
      });
    });
  });
}
