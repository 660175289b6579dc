using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core;
using Warden.Rbac;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Rbac;

public sealed class PermissionsApiTests
{
    private const string Url = "/api/v3/rbac/permissions/";
    private const string Forbidden = """{"detail": "You do not have permission to perform this action."}""";
    private const string NotAuthenticated = """{"detail": "Authentication credentials were not provided."}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PermissionDefinition P(string fullName) => PermissionCatalog.Find(fullName)!;

    private static string PermissionJson(string fullName)
    {
        var p = P(fullName);
        return $$"""{"id": {{p.Id}}, "name": "{{p.Name}}", "codename": "{{p.Codename}}", "model": "{{p.Model}}", "app_label": "{{p.AppLabel}}", "app_label_verbose": "{{p.AppLabelVerbose}}", "model_verbose": "{{p.ModelVerbose}}"}""";
    }

    [Fact]
    public void CatalogueHoldsAuthentiksPermissionsOfTheImplementedModels()
    {
        var user = P("authentik_core.change_user");
        Assert.Equal(("user", "Can change User", "authentik Core", "User"), (user.Model, user.Name, user.AppLabelVerbose, user.ModelVerbose));
        Assert.Equal("Enable superuser status", P("authentik_core.enable_group_superuser").Name);
        Assert.Equal("Can view Account Lockdown Stage", P("authentik_stages_account_lockdown.view_accountlockdownstage").Name);
        Assert.Equal("authentik Enterprise.Stages.Account Lockdown", P("authentik_stages_account_lockdown.add_accountlockdownstage").AppLabelVerbose);
        Assert.Equal("Can add stage", P("authentik_flows.add_stage").Name);
        Assert.Equal("Can access admin interface", P("authentik_rbac.access_admin_interface").Name);
        Assert.Null(PermissionCatalog.Find("authentik_rbac.add_systempermission"));
        Assert.Equal(Enumerable.Range(1, PermissionCatalog.All.Count), PermissionCatalog.All.Select(p => p.Id));
        Assert.Equal(PermissionCatalog.All.Count, PermissionCatalog.All.Select(p => p.FullName).Distinct().Count());
        Assert.All(PermissionCatalog.All, p => Assert.Contains(p.ModelLabel, PermissionCatalog.ModelEnum.Append("authentik_flows.stage").Append("authentik_rbac.systempermission").Append("authentik_core.authenticatedsession")));
    }

    [Theory, Providers]
    public async Task ListFiltersTheCatalogueForAnyAuthenticatedCaller(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var client = await app.AsTokenAsync(user);

        var response = await client.GetAsync(Url + "?content_type__app_label=authentik_core&content_type__model=token", Ct);

        await response.AssertJsonAsync(200, $$"""
            {"pagination": {"next": 0, "previous": 0, "count": 6, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 6},
             "results": [{{PermissionJson("authentik_core.add_token")}}, {{PermissionJson("authentik_core.change_token")}},
                         {{PermissionJson("authentik_core.delete_token")}}, {{PermissionJson("authentik_core.view_token")}},
                         {{PermissionJson("authentik_core.set_token_key")}}, {{PermissionJson("authentik_core.view_token_key")}}],
             "autocomplete": {}
            }
            """);
        await (await app.Anonymous().GetAsync(Url, Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task ListSearchesOrdersPagesAndFiltersByRole(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var role = await app.CreateRoleAsync("r", ("authentik_brands.view_brand", null), ("authentik_core.view_user", "5"));
        var client = await app.AsTokenAsync(user);

        var body = await (await client.GetAsync(Url + "?search=lockdown&ordering=-id", Ct)).BodyAsync();
        Assert.Equal(["view_accountlockdownstage", "delete_accountlockdownstage", "change_accountlockdownstage", "add_accountlockdownstage"],
            body["results"]!.AsArray().Select(r => r!["codename"]!.GetValue<string>()));

        await (await client.GetAsync(Url + $"?role={role.Id}", Ct)).AssertJsonAsync(200, $$"""
            {"pagination": {"next": 0, "previous": 0, "count": 1, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 1},
             "results": [{{PermissionJson("authentik_brands.view_brand")}}], "autocomplete": {}
            }
            """);
        await (await client.GetAsync(Url + $"?role={Guid.NewGuid()}", Ct))
            .AssertJsonAsync(400, """{"role": ["Select a valid choice. That choice is not one of the available choices."]}""");

        var page = await (await client.GetAsync(Url + "?page_size=5&page=2", Ct)).BodyAsync();
        Assert.Equal(5, page["results"]!.AsArray().Count);
        Assert.Equal(PermissionCatalog.All.Count, page["pagination"]!["count"]!.GetValue<int>());
        Assert.Equal(3, page["pagination"]!["next"]!.GetValue<int>());
        await (await client.GetAsync(Url + "?page=99", Ct)).AssertJsonAsync(404, """{"detail": "Invalid page."}""");
    }

    [Theory, Providers]
    public async Task RetrieveReturnsOnePermission(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync());
        var id = P("authentik_rbac.assign_role_permissions").Id;

        await (await client.GetAsync($"{Url}{id}/", Ct)).AssertJsonAsync(200, PermissionJson("authentik_rbac.assign_role_permissions"));
        await (await client.GetAsync($"{Url}99999/", Ct)).AssertJsonAsync(404, """{"detail": "No Permission matches the given query."}""");
        await (await client.GetAsync($"{Url}abc/", Ct)).AssertJsonAsync(404, """{"detail": "Not found."}""");
        await (await app.Anonymous().GetAsync($"{Url}{id}/", Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task AssignGlobalPermissionsReturnsTheirIdsAndTakesEffect(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var holder = await app.CreateUserAsync();
        var role = await app.CreateRoleAsync("editors");
        await app.CreateGroupAsync(members: [holder], roles: [role]);
        var client = await app.AsTokenAsync(admin);
        var url = $"{Url}assigned_by_roles/{role.Id}/assign/";

        var response = await client.PostAsync(url, Json.Content(new { permissions = new[] { "authentik_core.view_group", "authentik_core.change_group" } }), Ct);

        var grants = await app.WithDbAsync(db => db.Set<RolePermission>().Where(p => p.RoleId == role.Id).OrderBy(p => p.Id).ToListAsync());
        await response.AssertJsonAsync(200, $$"""[{"id": "{{grants[0].Id}}"}, {"id": "{{grants[1].Id}}"}]""");
        Assert.Equal(["authentik_core.view_group", "authentik_core.change_group"], grants.Select(g => g.Permission));
        Assert.All(grants, g => Assert.Null(g.ObjectPk));
        // The holder (through a group) can now list groups.
        Assert.Equal(200, (int)(await (await app.AsTokenAsync(holder)).GetAsync("/api/v3/core/groups/", Ct)).StatusCode);
        // Assigning again returns the same rows.
        var again = await client.PostAsync(url, Json.Content(new { permissions = new[] { "authentik_core.view_group" } }), Ct);
        await again.AssertJsonAsync(200, $$"""[{"id": "{{grants[0].Id}}"}]""");
    }

    [Theory, Providers]
    public async Task AssignOnOneObjectGrantsOnlyThatObject(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var holder = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        var bystander = await app.CreateUserAsync();
        var role = await app.CreateRoleAsync("one-user");
        await app.WithDbAsync(async db =>
        {
            var tracked = await db.Users.Include(u => u.Roles).FirstAsync(u => u.Id == holder.Id);
            tracked.Roles.Add(await db.Set<Role>().FirstAsync(r => r.Id == role.Id));
            await db.SaveChangesAsync();
        });
        var client = await app.AsTokenAsync(admin);

        var response = await client.PostAsync($"{Url}assigned_by_roles/{role.Id}/assign/", Json.Content(new
        {
            permissions = new[] { "change_user", "authentik_core.view_user" },
            model = "authentik_core.user",
            object_pk = target.Id.ToString(),
        }), Ct);

        Assert.Equal(200, (int)response.StatusCode);
        var grants = await app.WithDbAsync(db => db.Set<RolePermission>().Where(p => p.RoleId == role.Id).OrderBy(p => p.Id).ToListAsync());
        Assert.Equal([("authentik_core.change_user", target.Id.ToString()), ("authentik_core.view_user", target.Id.ToString())],
            grants.Select(g => (g.Permission, g.ObjectPk)));
        await using var scope = app.Services.CreateAsyncScope();
        var rule = scope.ServiceProvider.GetRequiredService<Permissions>();
        Assert.True(await rule.HasAsync(holder, "authentik_core.change_user", target.Id.ToString()));
        Assert.False(await rule.HasAsync(holder, "authentik_core.change_user", bystander.Id.ToString()));
        Assert.False(await rule.HasAsync(holder, "authentik_core.change_user"));
    }

    [Theory, Providers]
    public async Task ObjectPermissionsCanOnlyBeAssignedOnModelsOfAuthentiksModelEnum(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var role = await app.CreateRoleAsync();
        var client = await app.AsTokenAsync(admin);

        // Sessions are not in ModelEnum: their permissions can be granted globally only.
        await (await client.PostAsync($"{Url}assigned_by_roles/{role.Id}/assign/", Json.Content(new
        {
            permissions = new[] { "delete_authenticatedsession" }, model = "authentik_core.authenticatedsession", object_pk = Guid.NewGuid().ToString(),
        }), Ct)).AssertJsonAsync(400, """{"model": ["\"authentik_core.authenticatedsession\" is not a valid choice."]}""");
        Assert.Equal(200, (int)(await client.PostAsync($"{Url}assigned_by_roles/{role.Id}/assign/", Json.Content(new
        {
            permissions = new[] { "authentik_core.delete_authenticatedsession" },
        }), Ct)).StatusCode);
    }

    [Theory, Providers]
    public async Task AssignRejectsInvalidBodiesAndChangesNothing(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var role = await app.CreateRoleAsync();
        var client = await app.AsTokenAsync(admin);
        var url = $"{Url}assigned_by_roles/{role.Id}/assign/";

        await (await client.PostAsync(url, Json.Content(new { }), Ct)).AssertJsonAsync(400, """{"permissions": ["This field is required."]}""");
        await (await client.PostAsync(url, Json.Content(new { permissions = "authentik_core.view_user" }), Ct))
            .AssertJsonAsync(400, """{"permissions": ["Expected a list of items but got type \"str\"."]}""");
        await (await client.PostAsync(url, Json.Content(new { permissions = new[] { "view_user" } }), Ct))
            .AssertJsonAsync(400, """{"permissions": ["When assigning global permissions, codename must be given as app_label.codename"]}""");
        await (await client.PostAsync(url, Json.Content(new { permissions = new[] { "authentik_core.fly" } }), Ct))
            .AssertJsonAsync(400, """{"permissions": ["\"authentik_core.fly\" is not a valid choice."]}""");
        await (await client.PostAsync(url, Json.Content(new { permissions = new[] { "view_user" }, model = "authentik_core.user" }), Ct))
            .AssertJsonAsync(400, """{"non_field_errors": ["The fields model, object_pk must be used together."]}""");
        await (await client.PostAsync(url, Json.Content(new { permissions = new[] { "view_user" }, model = "nope.nope", object_pk = "1" }), Ct))
            .AssertJsonAsync(400, """{"model": ["\"nope.nope\" is not a valid choice."]}""");
        await (await client.PostAsync(url, Json.Content(new { permissions = new[] { "view_group" }, model = "authentik_core.user", object_pk = admin.Id.ToString() }), Ct))
            .AssertJsonAsync(400, """{"permissions": ["\"view_group\" is not a valid choice."]}""");
        // authentik would quietly grant the permission globally here; Warden refuses.
        await (await client.PostAsync(url, Json.Content(new { permissions = new[] { "view_user" }, model = "authentik_core.user", object_pk = "99999" }), Ct))
            .AssertJsonAsync(400, """{"object_pk": ["Invalid pk \"99999\" - object does not exist."]}""");

        Assert.False(await app.WithDbAsync(db => db.Set<RolePermission>().AnyAsync(p => p.RoleId == role.Id)));
    }

    [Theory, Providers]
    public async Task AssignNeedsAssignPermissionAndAddRoleOnTheRole(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var role = await app.CreateRoleAsync("target");
        var client = await app.AsTokenAsync(user);
        var url = $"{Url}assigned_by_roles/{role.Id}/assign/";
        var body = new { permissions = new[] { "authentik_core.view_user" } };

        await (await client.PostAsync(url, Json.Content(body), Ct)).AssertJsonAsync(403, Forbidden);
        await app.GrantAsync(user, PermissionsApi.AssignPermission, role.Id.ToString());
        // The action also runs under the viewset's object permissions: POST needs add_role.
        await (await client.PostAsync(url, Json.Content(body), Ct)).AssertJsonAsync(403, Forbidden);
        await app.GrantAsync(user, RolesApi.AddPermission, role.Id.ToString());
        Assert.Equal(200, (int)(await client.PostAsync(url, Json.Content(body), Ct)).StatusCode);

        await (await client.PostAsync($"{Url}assigned_by_roles/{Guid.NewGuid()}/assign/", Json.Content(body), Ct))
            .AssertJsonAsync(404, """{"detail": "No Role matches the given query."}""");
        await (await client.PostAsync($"{Url}assigned_by_roles/x/assign/", Json.Content(body), Ct))
            .AssertJsonAsync(404, """{"detail": "Not found."}""");
        await (await app.Anonymous().PostAsync(url, Json.Content(body), Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task UnassignRemovesGlobalAndObjectGrants(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var group = await app.CreateGroupAsync();
        var role = await app.CreateRoleAsync("r",
            ("authentik_core.view_group", null),
            ("authentik_core.change_group", group.Id.ToString()),
            ("authentik_core.delete_group", group.Id.ToString()));
        var client = await app.AsTokenAsync(admin);
        var url = $"{Url}assigned_by_roles/{role.Id}/unassign/";

        var global = await client.PatchAsync(url, Json.Content(new { permissions = new[] { "authentik_core.view_group" } }), Ct);
        var scoped = await client.PatchAsync(url, Json.Content(new { permissions = new[] { "change_group" }, model = "authentik_core.group", object_pk = group.Id.ToString().ToUpperInvariant() }), Ct);

        Assert.Equal(204, (int)global.StatusCode);
        Assert.Equal(204, (int)scoped.StatusCode);
        Assert.Equal([("authentik_core.delete_group", group.Id.ToString())],
            await app.WithDbAsync(async db => (await db.Set<RolePermission>().Where(p => p.RoleId == role.Id).ToListAsync()).Select(p => (p.Permission, p.ObjectPk)).ToList()));
        await (await client.PatchAsync(url, Json.Content(new { }), Ct)).AssertJsonAsync(400, """{"permissions": ["This field is required."]}""");
    }

    [Theory, Providers]
    public async Task UnassignNeedsUnassignPermissionAndChangeRole(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var role = await app.CreateRoleAsync("r", ("authentik_core.view_user", null));
        var client = await app.AsTokenAsync(user);
        var url = $"{Url}assigned_by_roles/{role.Id}/unassign/";
        var body = new { permissions = new[] { "authentik_core.view_user" } };

        await app.GrantAsync(user, PermissionsApi.UnassignPermission);
        await (await client.PatchAsync(url, Json.Content(body), Ct)).AssertJsonAsync(403, Forbidden);
        await app.GrantAsync(user, RolesApi.ChangePermission);
        Assert.Equal(204, (int)(await client.PatchAsync(url, Json.Content(body), Ct)).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Set<RolePermission>().AnyAsync(p => p.RoleId == role.Id)));
    }

    [Theory, Providers]
    public async Task AssignedByRolesListsRolesHoldingPermissionsOnTheModelOrObject(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var group = await app.CreateGroupAsync();
        var globalRole = await app.CreateRoleAsync("a-global", ("authentik_core.view_group", null));
        var objectRole = await app.CreateRoleAsync("b-object", ("authentik_core.change_group", group.Id.ToString()), ("authentik_brands.view_brand", null));
        await app.CreateRoleAsync("c-unrelated", ("authentik_core.view_user", null));
        var client = await app.AsTokenAsync(admin);
        var grants = await app.WithDbAsync(db => db.Set<RolePermission>().OrderBy(p => p.Id).ToListAsync());
        long Id(string permission) => grants.Single(g => g.Permission == permission).Id;

        var response = await client.GetAsync($"{Url}assigned_by_roles/?model=authentik_core.group&object_pk={group.Id}", Ct);

        await response.AssertJsonAsync(200, $$"""
            {"pagination": {"next": 0, "previous": 0, "count": 2, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 2},
             "results": [
               {"role_pk": "{{globalRole.Id}}", "name": "a-global", "object_permissions": [],
                "model_permissions": [{"id": {{Id("authentik_core.view_group")}}, "codename": "view_group", "model": "group", "app_label": "authentik_core", "name": "Can view Group"}]},
               {"role_pk": "{{objectRole.Id}}", "name": "b-object",
                "object_permissions": [{"id": {{Id("authentik_core.change_group")}}, "codename": "change_group", "model": "group", "app_label": "authentik_core", "object_pk": "{{group.Id}}", "name": "Can change Group"}],
                "model_permissions": [{"id": {{Id("authentik_brands.view_brand")}}, "codename": "view_brand", "model": "brand", "app_label": "authentik_brands", "name": "Can view Brand"}]}],
             "autocomplete": {}
            }
            """);
        var modelOnly = await (await client.GetAsync($"{Url}assigned_by_roles/?model=authentik_core.group", Ct)).BodyAsync();
        Assert.Equal(["a-global"], modelOnly["results"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
        await (await client.GetAsync($"{Url}assigned_by_roles/", Ct)).AssertJsonAsync(400, """{"model": ["This field is required."]}""");
        await (await client.GetAsync($"{Url}assigned_by_roles/?model=x.y", Ct))
            .AssertJsonAsync(400, """{"model": ["Select a valid choice. x.y is not one of the available choices."]}""");
        await (await (await app.AsTokenAsync(await app.CreateUserAsync())).GetAsync($"{Url}assigned_by_roles/?model=authentik_core.group", Ct))
            .AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().GetAsync($"{Url}assigned_by_roles/?model=authentik_core.group", Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task RoleObjectPermissionsDescribeObjectsTheRoleMayView(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var seen = await app.CreateGroupAsync("seen");
        var unseen = await app.CreateGroupAsync("unseen");
        var role = await app.CreateRoleAsync("r",
            ("authentik_core.view_group", seen.Id.ToString()),
            ("authentik_core.change_group", unseen.Id.ToString()),
            ("authentik_core.view_user", null));
        var grants = await app.WithDbAsync(db => db.Set<RolePermission>().Where(p => p.RoleId == role.Id).OrderBy(p => p.Id).ToListAsync());
        var client = await app.AsTokenAsync(admin);

        var response = await client.GetAsync($"{Url}roles/?uuid={role.Id}", Ct);

        await response.AssertJsonAsync(200, $$"""
            {"pagination": {"next": 0, "previous": 0, "count": 2, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 2},
             "results": [
               {"id": {{grants[0].Id}}, "codename": "view_group", "model": "group", "app_label": "authentik_core", "object_pk": "{{seen.Id}}",
                "name": "Can view Group", "app_label_verbose": "authentik Core", "model_verbose": "Group", "object_description": "Group seen"},
               {"id": {{grants[1].Id}}, "codename": "change_group", "model": "group", "app_label": "authentik_core", "object_pk": "{{unseen.Id}}",
                "name": "Can change Group", "app_label_verbose": "authentik Core", "model_verbose": "Group", "object_description": null}],
             "autocomplete": {}
            }
            """);
        await (await client.GetAsync($"{Url}roles/", Ct)).AssertJsonAsync(400, """{"uuid": ["This field is required."]}""");
        await (await client.GetAsync($"{Url}roles/?uuid=zzz", Ct)).AssertJsonAsync(400, """{"uuid": ["Enter a valid UUID."]}""");
        var small = await (await client.GetAsync($"{Url}roles/?uuid={role.Id}&page_size=1", Ct)).BodyAsync();
        Assert.Equal(2, small["pagination"]!["total_pages"]!.GetValue<int>());
    }

    [Theory, Providers]
    public async Task RoleObjectPermissionsAreForSuperusersOnly(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var role = await app.CreateRoleAsync("r", ("authentik_core.view_group", Guid.NewGuid().ToString()));
        await app.GrantAsync(user, RolesApi.ViewPermission);

        await (await (await app.AsTokenAsync(user)).GetAsync($"{Url}roles/?uuid={role.Id}", Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().GetAsync($"{Url}roles/?uuid={role.Id}", Ct)).AssertJsonAsync(403, NotAuthenticated);
    }
}
