using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Events;
using Warden.Rbac;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Rbac;

public sealed class RolesApiTests
{
    private const string Url = "/api/v3/rbac/roles/";
    private const string Forbidden = """{"detail": "You do not have permission to perform this action."}""";
    private const string NotAuthenticated = """{"detail": "Authentication credentials were not provided."}""";
    private const string NoRole = """{"detail": "No Role matches the given query."}""";
    private const string NotFound = """{"detail": "Not found."}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, Providers]
    public async Task ListShowsRolesByName(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var beta = await app.CreateRoleAsync("beta");
        var alpha = await app.CreateRoleAsync("alpha");

        var response = await (await app.AsTokenAsync(admin)).GetAsync(Url, Ct);

        await response.AssertJsonAsync(200, $$"""
            {"pagination": {"next": 0, "previous": 0, "count": 2, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 2},
             "results": [{"pk": "{{alpha.Id}}", "name": "alpha"}, {"pk": "{{beta.Id}}", "name": "beta"}],
             "autocomplete": {}
            }
            """);
    }

    [Theory, Providers]
    public async Task ListShowsOnlyViewableRolesAndRefusesCallersWhoSeeNone(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var visible = await app.CreateRoleAsync("visible");
        await app.CreateRoleAsync("hidden");
        var client = await app.AsTokenAsync(user);

        await (await client.GetAsync(Url, Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().GetAsync(Url, Ct)).AssertJsonAsync(403, NotAuthenticated);

        // The grant itself sits on a role of its own, which the caller may not view.
        await app.GrantAsync(user, RolesApi.ViewPermission, visible.Id.ToString());
        await (await client.GetAsync(Url, Ct)).AssertJsonAsync(200, $$"""
            {"pagination": {"next": 0, "previous": 0, "count": 1, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 1},
             "results": [{"pk": "{{visible.Id}}", "name": "visible"}], "autocomplete": {}
            }
            """);
    }

    [Theory, Providers]
    public async Task ListFiltersByHolderWithAndWithoutInheritance(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var user = await app.CreateUserAsync();
        var direct = await app.CreateRoleAsync("direct");
        var viaGroup = await app.CreateRoleAsync("via-group");
        var viaParent = await app.CreateRoleAsync("via-parent");
        await app.CreateRoleAsync("unrelated");
        await app.WithDbAsync(async db =>
        {
            (await db.Set<Role>().FirstAsync(r => r.Id == direct.Id)).Managed = "goauthentik.io/test";
            await db.SaveChangesAsync();
        });
        await app.WithDbAsync(async db =>
        {
            var tracked = await db.Users.Include(u => u.Roles).FirstAsync(u => u.Id == user.Id);
            tracked.Roles.Add(await db.Set<Role>().FirstAsync(r => r.Id == direct.Id));
            await db.SaveChangesAsync();
        });
        var parent = await app.CreateGroupAsync(roles: [viaParent]);
        var group = await app.CreateGroupAsync(parents: [parent], members: [user], roles: [viaGroup]);
        var client = await app.AsTokenAsync(admin);

        async Task<string[]> NamesAsync(string query)
        {
            var body = await (await client.GetAsync(Url + query, Ct)).BodyAsync();
            return body["results"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToArray();
        }

        Assert.Equal(["direct"], await NamesAsync($"?users={user.Id}"));
        Assert.Equal(["direct", "via-group", "via-parent"], await NamesAsync($"?users={user.Id}&inherited=true"));
        Assert.Equal(["via-group"], await NamesAsync($"?groups={group.Id}"));
        Assert.Equal(["via-group", "via-parent"], await NamesAsync($"?groups={group.Id}&inherited=true"));
        Assert.Empty(await NamesAsync("?users=99999"));
        Assert.Empty(await NamesAsync($"?groups={Guid.NewGuid()}"));
        Assert.Equal(["direct"], await NamesAsync("?managed=goauthentik.io/test"));
        Assert.Equal(["direct"], await NamesAsync("?managed__isnull=false"));
        Assert.Equal(["unrelated", "via-group", "via-parent"], await NamesAsync("?managed__isnull=true"));
        Assert.Equal(["via-parent"], await NamesAsync("?name=via-parent"));
        Assert.Equal(["via-group", "via-parent"], await NamesAsync("?search=VIA"));
        Assert.Equal(["via-parent", "via-group", "unrelated", "direct"], await NamesAsync("?ordering=-name"));

        await (await client.GetAsync(Url + "?users=abc&groups=nope&managed=other", Ct)).AssertJsonAsync(400, """
            {"managed": ["Select a valid choice. other is not one of the available choices."],
             "users": ["Enter a number."], "groups": ["Enter a valid UUID."]}
            """);
    }

    [Theory, Providers]
    public async Task CreateReturnsTheRoleAndRecordsTheEvent(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        await app.GrantAsync(user, RolesApi.AddPermission);
        var client = await app.AsTokenAsync(user);

        var response = await client.PostAsync(Url, Json.Content(new { name = " auditors " }), Ct);

        var role = await app.WithDbAsync(db => db.Set<Role>().SingleAsync(r => r.Name == "auditors"));
        await response.AssertJsonAsync(201, $$"""{"pk": "{{role.Id}}", "name": "auditors"}""");
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelCreated)), user,
            "authentik_rbac", "role", role.Id.ToString("N"), "auditors");
    }

    [Theory, Providers]
    public async Task CreateRejectsInvalidBodiesAndCallersWithoutPermission(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var user = await app.CreateUserAsync();
        await app.CreateRoleAsync("taken");
        var client = await app.AsTokenAsync(admin);

        await (await client.PostAsync(Url, Json.Content(new { }), Ct)).AssertJsonAsync(400, """{"name": ["This field is required."]}""");
        await (await client.PostAsync(Url, Json.Content(new { name = "" }), Ct)).AssertJsonAsync(400, """{"name": ["This field may not be blank."]}""");
        await (await client.PostAsync(Url, Json.Content(new { name = (string?)null }), Ct)).AssertJsonAsync(400, """{"name": ["This field may not be null."]}""");
        await (await client.PostAsync(Url, Json.Content(new { name = "taken" }), Ct)).AssertJsonAsync(400, """{"name": ["Role with this name already exists."]}""");
        await (await (await app.AsTokenAsync(user)).PostAsync(Url, Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().PostAsync(Url, Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(403, NotAuthenticated);

        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Role>().CountAsync()));
        Assert.Empty(await app.EventsAsync(EventActions.ModelCreated));
    }

    [Theory, Providers]
    public async Task RetrieveAnswersNotFoundOutsideTheCallersView(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var mine = await app.CreateRoleAsync("mine");
        var other = await app.CreateRoleAsync("other");
        await app.GrantAsync(user, RolesApi.ViewPermission, mine.Id.ToString());
        var client = await app.AsTokenAsync(user);

        await (await client.GetAsync($"{Url}{mine.Id}/", Ct)).AssertJsonAsync(200, $$"""{"pk": "{{mine.Id}}", "name": "mine"}""");
        await (await client.GetAsync($"{Url}{other.Id}/", Ct)).AssertJsonAsync(404, NoRole);
        await (await client.GetAsync($"{Url}{Guid.NewGuid()}/", Ct)).AssertJsonAsync(404, NoRole);
        await (await client.GetAsync($"{Url}123/", Ct)).AssertJsonAsync(404, NotFound);
        await (await (await app.AsTokenAsync(await app.CreateUserAsync())).GetAsync($"{Url}{mine.Id}/", Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().GetAsync($"{Url}{mine.Id}/", Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task UpdateRenamesWithChangePermission(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var role = await app.CreateRoleAsync("before");
        await app.CreateRoleAsync("taken");
        await app.GrantAsync(user, RolesApi.ViewPermission);
        var client = await app.AsTokenAsync(user);
        var url = $"{Url}{role.Id}/";

        await (await client.PutAsync(url, Json.Content(new { name = "after" }), Ct)).AssertJsonAsync(403, Forbidden);
        await app.GrantAsync(user, RolesApi.ChangePermission, role.Id.ToString());
        await (await client.PutAsync(url, Json.Content(new { }), Ct)).AssertJsonAsync(400, """{"name": ["This field is required."]}""");
        await (await client.PatchAsync(url, Json.Content(new { name = "taken" }), Ct)).AssertJsonAsync(400, """{"name": ["Role with this name already exists."]}""");
        await (await client.PutAsync(url, Json.Content(new { name = "after" }), Ct)).AssertJsonAsync(200, $$"""{"pk": "{{role.Id}}", "name": "after"}""");
        await (await client.PatchAsync(url, Json.Content(new { }), Ct)).AssertJsonAsync(200, $$"""{"pk": "{{role.Id}}", "name": "after"}""");
        await (await client.PatchAsync($"{Url}{Guid.NewGuid()}/", Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(404, NoRole);

        Assert.Equal("after", (await app.WithDbAsync(db => db.Set<Role>().FirstAsync(r => r.Id == role.Id))).Name);
        var updates = await app.EventsAsync(EventActions.ModelUpdated);
        Assert.Equal(2, updates.Count);
        Assert.All(updates, e => RbacFixtures.AssertModelEvent(e, user, "authentik_rbac", "role", role.Id.ToString("N"), "after"));
    }

    [Theory, Providers]
    public async Task DeleteRemovesTheRoleAndItsGrants(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var holder = await app.CreateUserAsync();
        var role = await app.GrantAsync(holder, "authentik_core.view_user");
        var other = await app.CreateRoleAsync("other");
        var user = await app.CreateUserAsync();
        await app.GrantAsync(user, RolesApi.ViewPermission);

        await (await (await app.AsTokenAsync(user)).DeleteAsync($"{Url}{other.Id}/", Ct)).AssertJsonAsync(403, Forbidden);
        var response = await (await app.AsTokenAsync(admin)).DeleteAsync($"{Url}{role.Id}/", Ct);

        Assert.Equal(204, (int)response.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Set<Role>().AnyAsync(r => r.Id == role.Id)));
        Assert.False(await app.WithDbAsync(db => db.Set<RolePermission>().AnyAsync(p => p.RoleId == role.Id)));
        Assert.True(await app.WithDbAsync(db => db.Set<Role>().AnyAsync(r => r.Id == other.Id)));
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelDeleted)), admin,
            "authentik_rbac", "role", role.Id.ToString("N"), role.Name);
        await (await (await app.AsTokenAsync(admin)).DeleteAsync($"{Url}{role.Id}/", Ct)).AssertJsonAsync(404, NoRole);
    }

    [Theory, Providers]
    public async Task AddAndRemoveUserNeedChangeRole(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        var role = await app.CreateRoleAsync("members");
        var other = await app.CreateRoleAsync("other");
        await app.GrantAsync(user, RolesApi.ChangePermission, role.Id.ToString());
        await app.GrantAsync(user, "authentik_core.view_user");
        var client = await app.AsTokenAsync(user);

        Assert.Equal(204, (int)(await client.PostAsync($"{Url}{role.Id}/add_user/", Json.Content(new { pk = target.Id }), Ct)).StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Set<Role>().AnyAsync(r => r.Id == role.Id && r.Users.Any(u => u.Id == target.Id))));

        await (await client.PostAsync($"{Url}{other.Id}/add_user/", Json.Content(new { pk = target.Id }), Ct)).AssertJsonAsync(403, Forbidden);
        await (await client.PostAsync($"{Url}{Guid.NewGuid()}/add_user/", Json.Content(new { pk = target.Id }), Ct)).AssertJsonAsync(404, NoRole);
        await (await client.PostAsync($"{Url}{role.Id}/add_user/", Json.Content(new { pk = 99999 }), Ct)).AssertJsonAsync(404, NotFound);
        await (await client.PostAsync($"{Url}{role.Id}/add_user/", Json.Content(new { pk = true }), Ct))
            .AssertJsonAsync(400, """{"pk": ["A valid integer is required."]}""");
        await (await app.Anonymous().PostAsync($"{Url}{role.Id}/add_user/", Json.Content(new { pk = target.Id }), Ct)).AssertJsonAsync(403, NotAuthenticated);

        Assert.Equal(204, (int)(await client.PostAsync($"{Url}{role.Id}/remove_user/", Json.Content(new { pk = target.Id }), Ct)).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Set<Role>().AnyAsync(r => r.Id == role.Id && r.Users.Any(u => u.Id == target.Id))));
        await (await client.PostAsync($"{Url}{role.Id}/remove_user/", Json.Content(new { }), Ct))
            .AssertJsonAsync(400, """{"pk": ["This field is required."]}""");
        // authentik records no event for role membership.
        Assert.Empty(await app.EventsAsync(EventActions.ModelUpdated));
    }

    [Theory, Providers]
    public async Task AddUserNeedsTheCallerToSeeTheUser(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        var role = await app.CreateRoleAsync();
        await app.GrantAsync(user, RolesApi.ChangePermission);
        var client = await app.AsTokenAsync(user);

        await (await client.PostAsync($"{Url}{role.Id}/add_user/", Json.Content(new { pk = target.Id }), Ct)).AssertJsonAsync(404, NotFound);
        Assert.False(await app.WithDbAsync(db => db.Set<Role>().AnyAsync(r => r.Users.Any(u => u.Id == target.Id))));
    }

    [Theory, Providers]
    public async Task UsedByListsHoldingGroupsAndUsers(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var holder = await app.CreateUserAsync("holder-user");
        var role = await app.GrantAsync(holder, "authentik_core.view_user");
        var group = await app.CreateGroupAsync("holders", roles: [role]);
        var client = await app.AsTokenAsync(admin);

        await (await client.GetAsync($"{Url}{role.Id}/used_by/", Ct)).AssertJsonAsync(200, $$"""
            [{"app": "authentik_core", "model_name": "group", "pk": "{{group.Id}}", "name": "Group holders", "action": "cascade_many"},
             {"app": "authentik_core", "model_name": "user", "pk": "{{holder.Id}}", "name": "holder-user", "action": "cascade_many"}]
            """);
        await (await client.GetAsync($"{Url}{Guid.NewGuid()}/used_by/", Ct)).AssertJsonAsync(404, NoRole);
        // Only existence is required; a caller who may view nothing referencing the role sees an empty list.
        await (await (await app.AsTokenAsync(await app.CreateUserAsync())).GetAsync($"{Url}{role.Id}/used_by/", Ct)).AssertJsonAsync(200, "[]");
        await (await app.Anonymous().GetAsync($"{Url}{role.Id}/used_by/", Ct)).AssertJsonAsync(403, NotAuthenticated);
    }
}
