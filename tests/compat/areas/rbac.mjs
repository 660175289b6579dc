// RbacApi: roles, their members, the permission catalogue and the roles' permission assignments, driven through
// the official client. Every test makes its own roles and users (names carry a random suffix).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { CoreApi, ModelEnum, RbacApi } from '@goauthentik/api';
import { assertResponseError } from '../lib/context.mjs';

const unique = (prefix) => `${prefix}-${randomBytes(4).toString('hex')}`;
const noRole = { detail: 'No Role matches the given query.' };
const missingUuid = '00000000-0000-4000-8000-000000000000';

export default function (context) {
  const rbac = () => new RbacApi(context.admin());
  const core = () => new CoreApi(context.admin());

  describe('RbacApi roles', () => {
    test('rbacRolesCreate, rbacRolesRetrieve, rbacRolesUpdate, rbacRolesPartialUpdate and rbacRolesDestroy', async () => {
      const api = rbac();
      const name = unique('compat-role');
      const role = await api.rbacRolesCreate({ roleRequest: { name } });
      assert.equal(role.name, name);
      assert.deepEqual(await api.rbacRolesRetrieve({ uuid: role.pk }), role);
      assert.equal((await api.rbacRolesUpdate({ uuid: role.pk, roleRequest: { name: `${name}-2` } })).name, `${name}-2`);
      assert.equal((await api.rbacRolesPartialUpdate({ uuid: role.pk, patchedRoleRequest: { name: `${name}-3` } })).name, `${name}-3`);
      assert.deepEqual(await api.rbacRolesUsedByList({ uuid: role.pk }), []);
      await api.rbacRolesDestroy({ uuid: role.pk });
      await assertResponseError(api.rbacRolesRetrieve({ uuid: role.pk }), 404, noRole);
    });

    test('rbacRolesAddUserCreate and rbacRolesRemoveUserCreate change the members, rbacRolesList filters by them', async () => {
      const api = rbac();
      const tag = unique('compat-members');
      const first = await api.rbacRolesCreate({ roleRequest: { name: `${tag}-b` } });
      const second = await api.rbacRolesCreate({ roleRequest: { name: `${tag}-a` } });
      const user = await core().coreUsersCreate({ userRequest: { username: unique('compat-role-user'), name: 'Role member' } });
      await api.rbacRolesAddUserCreate({ uuid: first.pk, userAccountSerializerForRoleRequest: { pk: user.pk } });

      assert.deepEqual((await api.rbacRolesList({ users: user.pk })).results.map((r) => r.pk), [first.pk]);
      assert.deepEqual((await core().coreUsersRetrieve({ id: user.pk })).roles, [first.pk]);
      const listed = await api.rbacRolesList({ search: tag, ordering: 'name', pageSize: 1 });
      assert.deepEqual(listed.results.map((r) => r.pk), [second.pk]);
      assert.equal(listed.pagination.count, 2);
      assert.deepEqual((await api.rbacRolesList({ name: `${tag}-b` })).results.map((r) => r.pk), [first.pk]);

      await api.rbacRolesRemoveUserCreate({ uuid: first.pk, userAccountSerializerForRoleRequest: { pk: user.pk } });
      assert.deepEqual((await api.rbacRolesList({ users: user.pk })).results, []);
    });

    test('rbacRolesCreate and rbacRolesRetrieve refuse invalid input', async () => {
      const api = rbac();
      const name = unique('compat-taken');
      await api.rbacRolesCreate({ roleRequest: { name } });
      await assertResponseError(api.rbacRolesCreate({ roleRequest: { name } }), 400, { name: ['Role with this name already exists.'] });
      await assertResponseError(api.rbacRolesCreate({ roleRequest: { name: '' } }), 400, { name: ['This field may not be blank.'] });
      await assertResponseError(api.rbacRolesRetrieve({ uuid: missingUuid }), 404, noRole);
    });
  });

  describe('RbacApi permissions', () => {
    test('rbacPermissionsList filters the catalogue and rbacPermissionsRetrieve reads one entry', async () => {
      const api = rbac();
      const page = await api.rbacPermissionsList({ contentTypeAppLabel: 'authentik_core', contentTypeModel: 'user', codename: 'view_user' });
      assert.equal(page.results.length, 1);
      const [permission] = page.results;
      assert.equal(permission.codename, 'view_user');
      assert.equal(permission.model, 'user');
      assert.equal(permission.appLabel, 'authentik_core');
      assert.deepEqual(await api.rbacPermissionsRetrieve({ id: permission.id }), permission);

      const searched = await api.rbacPermissionsList({ search: 'view_user', ordering: 'codename', pageSize: 2 });
      assert.ok(searched.results.length > 0);
      await assertResponseError(api.rbacPermissionsRetrieve({ id: 2147483000 }), 404, { detail: 'No Permission matches the given query.' });
    });

    test('rbacPermissionsAssignedByRolesAssign grants, the lists show it, rbacPermissionsAssignedByRolesUnassignPartialUpdate takes it back', async () => {
      const api = rbac();
      const role = await api.rbacRolesCreate({ roleRequest: { name: unique('compat-grants') } });
      const user = await core().coreUsersCreate({ userRequest: { username: unique('compat-grant-target'), name: 'Target' } });
      const objectPk = String(user.pk);

      const assigned = await api.rbacPermissionsAssignedByRolesAssign({
        uuid: role.pk,
        permissionAssignRequest: { permissions: ['view_user'], model: ModelEnum.AuthentikCoreUser, objectPk },
      });
      assert.equal(assigned.length, 1);
      await api.rbacPermissionsAssignedByRolesAssign({ uuid: role.pk, permissionAssignRequest: { permissions: ['authentik_core.view_group'] } });

      const objectPermissions = await api.rbacPermissionsRolesList({ uuid: role.pk });
      assert.deepEqual(
        objectPermissions.results.map((p) => [p.codename, p.objectPk]),
        [['view_user', objectPk]],
      );
      const holders = await api.rbacPermissionsAssignedByRolesList({ model: ModelEnum.AuthentikCoreUser, objectPk, search: role.name });
      assert.deepEqual(holders.results.map((r) => r.rolePk), [role.pk]);
      assert.deepEqual(holders.results[0].objectPermissions.map((p) => p.codename), ['view_user']);
      assert.deepEqual(holders.results[0].modelPermissions.map((p) => p.codename), ['view_group']);
      const global = await api.rbacPermissionsList({ role: role.pk });
      assert.deepEqual(global.results.map((p) => p.codename), ['view_group']);

      await api.rbacPermissionsAssignedByRolesUnassignPartialUpdate({
        uuid: role.pk,
        patchedPermissionAssignRequest: { permissions: ['view_user'], model: ModelEnum.AuthentikCoreUser, objectPk },
      });
      assert.deepEqual((await api.rbacPermissionsRolesList({ uuid: role.pk })).results, []);
    });

    test('permission assignments refuse invalid input', async () => {
      const api = rbac();
      const role = await api.rbacRolesCreate({ roleRequest: { name: unique('compat-refused') } });
      await assertResponseError(api.rbacPermissionsAssignedByRolesAssign({ uuid: role.pk, permissionAssignRequest: { permissions: ['view_user'] } }), 400, {
        permissions: ['When assigning global permissions, codename must be given as app_label.codename'],
      });
      await assertResponseError(
        api.rbacPermissionsAssignedByRolesAssign({ uuid: role.pk, permissionAssignRequest: { permissions: ['view_user'], model: 'authentik_core.nothing', objectPk: '1' } }),
        400,
        { model: ['"authentik_core.nothing" is not a valid choice.'] },
      );
      await assertResponseError(api.rbacPermissionsAssignedByRolesList({ model: 'nothing' }), 400, {
        model: ['Select a valid choice. nothing is not one of the available choices.'],
      });
      await assertResponseError(api.rbacPermissionsAssignedByRolesAssign({ uuid: missingUuid, permissionAssignRequest: { permissions: [] } }), 404, noRole);
    });
  });
}
