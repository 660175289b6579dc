using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Events;
using Warden.Rbac;
using Warden.Tests.Infrastructure;
using Warden.Tests.Rbac;

namespace Warden.Tests.Core;

public sealed class GroupsApiTests
{
    private const string Url = "/api/v3/core/groups/";
    private const string Forbidden = """{"detail": "You do not have permission to perform this action."}""";
    private const string NotAuthenticated = """{"detail": "Authentication credentials were not provided."}""";
    private const string NoGroup = """{"detail": "No Group matches the given query."}""";
    private const string NotFound = """{"detail": "Not found."}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Pagination(int count) =>
        $$"""{"next": 0, "previous": 0, "count": {{count}}, "current": 1, "total_pages": 1, "start_index": {{(count == 0 ? 0 : 1)}}, "end_index": {{count}}}""";

    private static async Task<string> PartialUserJsonAsync(TestApp app, User user) =>
        $$"""{"pk": {{user.Id}}, "username": "{{user.Username}}", "name": "{{user.Name}}", "is_active": {{(user.IsActive ? "true" : "false")}}, "last_login": null, "email": "{{user.Email}}", "attributes": {}, "uid": "{{await app.UidAsync(user)}}"}""";

    private static Task<Group> AdminsAsync(TestApp app) => app.WithDbAsync(db => db.Groups.AsNoTracking().FirstAsync(g => g.Name == Bootstrap.AdminGroupName));

    private static Task<User> AkadminAsync(TestApp app) => app.WithDbAsync(db => db.Users.AsNoTracking().FirstAsync(u => u.Username == Bootstrap.AdminUsername));

    [Fact]
    public void NumPkIsTheFirstFiveDecimalDigitsOfTheUuid()
    {
        // Values computed with Python: int(str(uuid.UUID(u).int)[:5]).
        Assert.Equal(14309, GroupNumbers.NumPk(Guid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")));
        Assert.Equal(1, GroupNumbers.NumPk(Guid.Parse("00000000-0000-0000-0000-000000000001")));
        Assert.Equal(34028, GroupNumbers.NumPk(Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff")));
    }

    [Theory, Providers]
    public async Task ListAsSuperuserShowsEveryGroupByNameWithMembers(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root-user", superuser: true);
        var member = await app.CreateUserAsync("alpha-member");
        var alpha = await app.CreateGroupAsync("alpha", members: [member], attributes: new JsonObject { ["team"] = "a" });
        var admins = await AdminsAsync(app);
        var akadmin = await AkadminAsync(app);
        var client = await app.AsTokenAsync(admin);

        var response = await client.GetAsync(Url, Ct);

        await response.AssertJsonAsync(200, $$"""
            {"pagination": {{Pagination(2)}},
             "results": [
               {"pk": "{{alpha.Id}}", "num_pk": {{alpha.NumPk}}, "name": "alpha", "is_superuser": false,
                "parents": [], "parents_obj": null, "users": [{{member.Id}}], "users_obj": [{{await PartialUserJsonAsync(app, member)}}],
                "attributes": {"team": "a"}, "roles": [], "roles_obj": [], "inherited_roles_obj": null, "children": [], "children_obj": null},
               {"pk": "{{admins.Id}}", "num_pk": {{admins.NumPk}}, "name": "authentik Admins", "is_superuser": true,
                "parents": [], "parents_obj": null, "users": [{{akadmin.Id}}, {{admin.Id}}],
                "users_obj": [{{await PartialUserJsonAsync(app, akadmin)}}, {{await PartialUserJsonAsync(app, admin)}}],
                "attributes": {}, "roles": [], "roles_obj": [], "inherited_roles_obj": null, "children": [], "children_obj": null}],
             "autocomplete": {}
            }
            """);
    }

    [Theory, Providers]
    public async Task IncludeFlagsExpandParentsChildrenAndInheritedRolesAndCanDropUsers(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var member = await app.CreateUserAsync();
        var inheritedRole = await app.CreateRoleAsync("inherited");
        var directRole = await app.CreateRoleAsync("direct");
        var parent = await app.CreateGroupAsync("parent", roles: [inheritedRole]);
        var middle = await app.CreateGroupAsync("middle", parents: [parent], members: [member], roles: [directRole]);
        var child = await app.CreateGroupAsync("child", parents: [middle]);
        var client = await app.AsTokenAsync(admin);

        var response = await client.GetAsync($"{Url}{middle.Id}/?include_users=false&include_parents=true&include_children=true&include_inherited_roles=true", Ct);

        await response.AssertJsonAsync(200, $$"""
            {"pk": "{{middle.Id}}", "num_pk": {{middle.NumPk}}, "name": "middle", "is_superuser": false,
             "parents": ["{{parent.Id}}"],
             "parents_obj": [{"pk": "{{parent.Id}}", "name": "parent", "is_superuser": false, "attributes": {}, "group_uuid": "{{parent.Id}}"}],
             "users": [{{member.Id}}], "users_obj": null, "attributes": {},
             "roles": ["{{directRole.Id}}"], "roles_obj": [{"pk": "{{directRole.Id}}", "name": "direct"}],
             "inherited_roles_obj": [{"pk": "{{inheritedRole.Id}}", "name": "inherited"}],
             "children": ["{{child.Id}}"],
             "children_obj": [{"pk": "{{child.Id}}", "name": "child", "is_superuser": false, "attributes": {}, "group_uuid": "{{child.Id}}"}]}
            """);
    }

    [Theory, Providers]
    public async Task ListShowsOnlyGroupsTheCallerMayView(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var visible = await app.CreateGroupAsync("visible");
        await app.CreateGroupAsync("hidden");
        await app.GrantAsync(user, GroupsApi.ViewPermission, visible.Id.ToString());
        var client = await app.AsTokenAsync(user);

        var body = await (await client.GetAsync(Url, Ct)).BodyAsync();

        Assert.Equal(1, body["pagination"]!["count"]!.GetValue<int>());
        Assert.Equal("visible", body["results"]![0]!["name"]!.GetValue<string>());
    }

    [Theory, Providers]
    public async Task ListWithoutAnyViewPermissionIsForbidden(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        await app.CreateGroupAsync();

        await (await (await app.AsTokenAsync(user)).GetAsync(Url, Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().GetAsync(Url, Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task InternalServiceAccountsWithoutPermissionsGetAnEmptyList(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var outpost = await app.CreateUserAsync(type: UserType.InternalServiceAccount);
        await app.CreateGroupAsync();

        await (await (await app.AsTokenAsync(outpost)).GetAsync(Url, Ct)).AssertJsonAsync(200, $$"""
            {"pagination": {{Pagination(0)}}, "results": [], "autocomplete": {}
            }
            """);
    }

    [Theory, Providers]
    public async Task SessionCallersWriteWithTheCsrfHeader(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var (client, _) = await app.AsSessionAsync(admin);

        Assert.Equal(201, (int)(await client.PostAsync(Url, Json.Content(new { name = "by-session" }), Ct)).StatusCode);
        client.DefaultRequestHeaders.Remove(Warden.Core.SessionStore.CsrfHeaderName);
        await (await client.PostAsync(Url, Json.Content(new { name = "no-csrf" }), Ct))
            .AssertJsonAsync(403, """{"detail": "CSRF Failed: CSRF token missing."}""");
        Assert.False(await app.WithDbAsync(db => db.Groups.AnyAsync(g => g.Name == "no-csrf")));
    }

    [Theory, Providers]
    public async Task ListFiltersSearchesAndOrders(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var alice = await app.CreateUserAsync("alice");
        var bob = await app.CreateUserAsync("bob");
        await app.CreateGroupAsync("engineering", members: [alice], attributes: new JsonObject { ["tier"] = 1, ["site"] = new JsonObject { ["city"] = "Oslo" } });
        await app.CreateGroupAsync("marketing", members: [bob], attributes: new JsonObject { ["tier"] = 2 });
        await app.CreateGroupAsync("ops-leads", superuser: true, members: [alice, bob]);
        var client = await app.AsTokenAsync(admin);

        async Task<string[]> NamesAsync(string query)
        {
            var body = await (await client.GetAsync(Url + query, Ct)).BodyAsync();
            return body["results"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToArray();
        }

        Assert.Equal(["marketing"], await NamesAsync("?name=marketing"));
        Assert.Equal(["authentik Admins", "ops-leads"], await NamesAsync("?is_superuser=true"));
        Assert.Equal(["engineering", "ops-leads"], await NamesAsync($"?members_by_pk={alice.Id}"));
        Assert.Equal(["engineering", "marketing", "ops-leads"], await NamesAsync($"?members_by_pk={alice.Id}&members_by_pk={bob.Id}"));
        Assert.Equal(["marketing", "ops-leads"], await NamesAsync("?members_by_username=bob"));
        Assert.Equal(["engineering"], await NamesAsync("?attributes=" + Uri.EscapeDataString("""{"tier": 1}""")));
        Assert.Equal(["engineering"], await NamesAsync("?attributes=" + Uri.EscapeDataString("""{"site__city": "Oslo"}""")));
        Assert.Equal(["marketing"], await NamesAsync("?search=MARK"));
        Assert.Equal(["authentik Admins", "ops-leads"], await NamesAsync("?search=true"));
        Assert.Equal(["ops-leads", "marketing", "engineering", "authentik Admins"], await NamesAsync("?ordering=-name"));
        Assert.Equal(["engineering", "marketing", "authentik Admins", "ops-leads"], await NamesAsync("?ordering=is_superuser,name&unknown=1"));
    }

    [Theory, Providers]
    public async Task ListFilterValuesThatNameNothingAreRejected(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var client = await app.AsTokenAsync(admin);

        await (await client.GetAsync(Url + "?members_by_pk=abc", Ct))
            .AssertJsonAsync(400, """{"members_by_pk": ["\u201cabc\u201d is not a valid value."]}""");
        await (await client.GetAsync(Url + "?members_by_pk=99999&members_by_username=nobody", Ct))
            .AssertJsonAsync(400, """
                {"members_by_pk": ["Select a valid choice. 99999 is not one of the available choices."],
                 "members_by_username": ["Select a valid choice. nobody is not one of the available choices."]}
                """);
        await (await client.GetAsync(Url + "?attributes=nope", Ct)).AssertJsonAsync(400, """["filter: failed to parse JSON"]""");
        await (await client.GetAsync(Url + "?attributes=%5B1%5D", Ct)).AssertJsonAsync(400, """["filter: value must be key:value mapping"]""");
        await (await client.GetAsync(Url + "?page=5", Ct)).AssertJsonAsync(404, """{"detail": "Invalid page."}""");
    }

    [Theory, Providers]
    public async Task CreateReturnsTheGroupAndRecordsTheEvents(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var member = await app.CreateUserAsync();
        var parent = await app.CreateGroupAsync("parent");
        var role = await app.CreateRoleAsync("readers");
        var client = await app.AsTokenAsync(admin);

        var response = await client.PostAsync(Url, Json.Content(new
        {
            name = "  engineers ",
            parents = new[] { parent.Id },
            users = new[] { member.Id },
            roles = new[] { role.Id },
            attributes = new { level = 3 },
        }), Ct);

        var created = await app.WithDbAsync(db => db.Groups.Include(g => g.Users).Include(g => g.Parents).Include(g => g.Roles)
            .AsNoTracking().SingleAsync(g => g.Name == "engineers"));
        await response.AssertJsonAsync(201, $$"""
            {"pk": "{{created.Id}}", "num_pk": {{GroupNumbers.NumPk(created.Id)}}, "name": "engineers", "is_superuser": false,
             "parents": ["{{parent.Id}}"], "parents_obj": null,
             "users": [{{member.Id}}], "users_obj": [{{await PartialUserJsonAsync(app, member)}}],
             "attributes": {"level": 3}, "roles": ["{{role.Id}}"], "roles_obj": [{"pk": "{{role.Id}}", "name": "readers"}],
             "inherited_roles_obj": null, "children": [], "children_obj": null}
            """);
        Assert.Equal(GroupNumbers.NumPk(created.Id), created.NumPk);
        Assert.Equal([member.Id], created.Users.Select(u => u.Id));
        Assert.Equal([parent.Id], created.Parents.Select(g => g.Id));
        Assert.Equal([role.Id], created.Roles.Select(r => r.Id));
        var createdEvent = Assert.Single(await app.EventsAsync(EventActions.ModelCreated));
        RbacFixtures.AssertModelEvent(createdEvent, admin, "authentik_core", "group", created.Id.ToString("N"), "engineers");
        // One update per many-to-many relation that was filled, as Django's m2m_changed signals record them.
        var updates = await app.EventsAsync(EventActions.ModelUpdated);
        Assert.Equal(3, updates.Count);
        Assert.All(updates, e => RbacFixtures.AssertModelEvent(e, admin, "authentik_core", "group", created.Id.ToString("N"), "engineers"));
    }

    [Theory, Providers]
    public async Task CreateRejectsInvalidFieldsAndChangesNothing(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        await app.CreateGroupAsync("taken");
        var client = await app.AsTokenAsync(admin);
        var missingGroup = Guid.NewGuid();
        var missingRole = Guid.NewGuid();

        await (await client.PostAsync(Url, Json.Content(new { }), Ct)).AssertJsonAsync(400, """{"name": ["This field is required."]}""");
        await (await client.PostAsync(Url, Json.Content(new { name = " ", parents = new[] { true }, users = "x", is_superuser = "maybe" }), Ct))
            .AssertJsonAsync(400, """
                {"name": ["This field may not be blank."], "parents": ["Incorrect type. Expected pk value, received bool."],
                 "users": ["Expected a list of items but got type \"str\"."], "is_superuser": ["Must be a valid boolean."]}
                """);
        await (await client.PostAsync(Url, Json.Content(new { name = "n", attributes = (object?)null }), Ct))
            .AssertJsonAsync(400, """{"attributes": ["This field may not be null."]}""");
        await (await client.PostAsync(Url, Json.Content(new
        {
            name = "taken",
            parents = new[] { missingGroup },
            users = new[] { 99999 },
            roles = new[] { missingRole },
            attributes = new[] { 1 },
        }), Ct)).AssertJsonAsync(400, $$"""
            {"name": ["Group with this name already exists."],
             "parents": ["Invalid pk \"{{missingGroup}}\" - object does not exist."],
             "users": ["Invalid pk \"99999\" - object does not exist."],
             "roles": ["Invalid pk \"{{missingRole}}\" - object does not exist."],
             "attributes": ["Value must be a dictionary, and not have any duplicate keys."]}
            """);
        Assert.Equal(400, (int)(await client.PostAsync(Url, Json.Raw("{"), Ct)).StatusCode);

        Assert.Equal(2, await app.WithDbAsync(db => db.Groups.CountAsync()));
        Assert.Empty(await app.EventsAsync(EventActions.ModelCreated));
    }

    [Theory, Providers]
    public async Task CreatingASuperuserGroupNeedsTheEnablePermission(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        await app.GrantAsync(user, GroupsApi.AddPermission);
        var client = await app.AsTokenAsync(user);

        await (await client.PostAsync(Url, Json.Content(new { name = "supers", is_superuser = true }), Ct))
            .AssertJsonAsync(400, """{"is_superuser": ["User does not have permission to set superuser status to True."]}""");
        Assert.False(await app.WithDbAsync(db => db.Groups.AnyAsync(g => g.Name == "supers")));

        var plain = await client.PostAsync(Url, Json.Content(new { name = "plain", is_superuser = false }), Ct);
        Assert.Equal(201, (int)plain.StatusCode);

        await app.GrantAsync(user, GroupsApi.EnableSuperuserPermission);
        var allowed = await client.PostAsync(Url, Json.Content(new { name = "supers", is_superuser = true }), Ct);
        Assert.Equal(201, (int)allowed.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Groups.AnyAsync(g => g.Name == "supers" && g.IsSuperuser)));
    }

    [Theory, Providers]
    public async Task CreateWithoutAddPermissionIsForbidden(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        await app.GrantAsync(user, GroupsApi.ViewPermission);

        await (await (await app.AsTokenAsync(user)).PostAsync(Url, Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().PostAsync(Url, Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(403, NotAuthenticated);
        Assert.False(await app.WithDbAsync(db => db.Groups.AnyAsync(g => g.Name == "x")));
    }

    [Theory, Providers]
    public async Task RetrieveOutsideTheCallersViewIsNotFound(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var mine = await app.CreateGroupAsync("mine");
        var other = await app.CreateGroupAsync("other");
        await app.GrantAsync(user, GroupsApi.ViewPermission, mine.Id.ToString());
        var client = await app.AsTokenAsync(user);

        await (await client.GetAsync($"{Url}{other.Id}/", Ct)).AssertJsonAsync(404, NoGroup);
        await (await client.GetAsync($"{Url}{Guid.NewGuid()}/", Ct)).AssertJsonAsync(404, NoGroup);
        await (await client.GetAsync($"{Url}not-a-uuid/", Ct)).AssertJsonAsync(404, NotFound);
        var body = await (await client.GetAsync($"{Url}{mine.Id}/", Ct)).BodyAsync();
        Assert.Equal("mine", body["name"]!.GetValue<string>());
    }

    [Theory, Providers]
    public async Task RetrieveWithoutAnyViewPermissionIsForbidden(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var group = await app.CreateGroupAsync();

        await (await (await app.AsTokenAsync(user)).GetAsync($"{Url}{group.Id}/", Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().GetAsync($"{Url}{group.Id}/", Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task PutReplacesTheGroupAndClearsOmittedMembersAndParents(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var member = await app.CreateUserAsync();
        var role = await app.CreateRoleAsync("kept");
        var parent = await app.CreateGroupAsync("parent");
        var group = await app.CreateGroupAsync("before", parents: [parent], members: [member], roles: [role], attributes: new JsonObject { ["a"] = 1 });
        var client = await app.AsTokenAsync(admin);

        var response = await client.PutAsync($"{Url}{group.Id}/?include_users=false", Json.Content(new { name = "after" }), Ct);

        await response.AssertJsonAsync(200, $$"""
            {"pk": "{{group.Id}}", "num_pk": {{group.NumPk}}, "name": "after", "is_superuser": false,
             "parents": [], "parents_obj": null, "users": [], "users_obj": null, "attributes": {"a": 1},
             "roles": ["{{role.Id}}"], "roles_obj": [{"pk": "{{role.Id}}", "name": "kept"}],
             "inherited_roles_obj": null, "children": [], "children_obj": null}
            """);
        var updates = await app.EventsAsync(EventActions.ModelUpdated);
        Assert.Equal(3, updates.Count);
        Assert.All(updates, e => RbacFixtures.AssertModelEvent(e, admin, "authentik_core", "group", group.Id.ToString("N"), "after"));
    }

    [Theory, Providers]
    public async Task PatchChangesOnlyTheSentFields(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var member = await app.CreateUserAsync();
        var group = await app.CreateGroupAsync("team", members: [member]);
        var client = await app.AsTokenAsync(admin);

        var response = await client.PatchAsync($"{Url}{group.Id}/", Json.Content(new { attributes = new { x = "y" } }), Ct);

        var body = await response.BodyAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("team", body["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($"[{member.Id}]"), body["users"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"x": "y"}"""), body["attributes"]));
        var stored = await app.WithDbAsync(db => db.Groups.AsNoTracking().Include(g => g.Users).FirstAsync(g => g.Id == group.Id));
        Assert.Equal("y", stored.Attributes["x"]!.GetValue<string>());
        Assert.Single(stored.Users);
        Assert.Single(await app.EventsAsync(EventActions.ModelUpdated));
    }

    [Theory, Providers]
    public async Task UpdateNeedsChangePermissionOnThatGroup(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var group = await app.CreateGroupAsync("target");
        var other = await app.CreateGroupAsync("other");
        await app.GrantAsync(user, GroupsApi.ViewPermission);
        await app.GrantAsync(user, GroupsApi.ChangePermission, other.Id.ToString());
        var client = await app.AsTokenAsync(user);

        await (await client.PatchAsync($"{Url}{group.Id}/", Json.Content(new { name = "renamed" }), Ct)).AssertJsonAsync(403, Forbidden);
        Assert.Equal("target", (await app.WithDbAsync(db => db.Groups.FirstAsync(g => g.Id == group.Id))).Name);

        await app.GrantAsync(user, GroupsApi.ChangePermission, group.Id.ToString());
        var allowed = await client.PatchAsync($"{Url}{group.Id}/", Json.Content(new { name = "renamed" }), Ct);
        Assert.Equal(200, (int)allowed.StatusCode);
        Assert.Equal("renamed", (await app.WithDbAsync(db => db.Groups.FirstAsync(g => g.Id == group.Id))).Name);

        await (await client.PatchAsync($"{Url}{Guid.NewGuid()}/", Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(404, NoGroup);
        await (await app.Anonymous().PatchAsync($"{Url}{group.Id}/", Json.Content(new { name = "x" }), Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task UpdateRejectsSelfParentDuplicateNameAndUnpermittedSuperuserChange(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var group = await app.CreateGroupAsync("team", superuser: true);
        await app.CreateGroupAsync("taken");
        await app.GrantAsync(user, GroupsApi.ViewPermission);
        await app.GrantAsync(user, GroupsApi.ChangePermission);
        var client = await app.AsTokenAsync(user);
        var url = $"{Url}{group.Id}/";

        await (await client.PatchAsync(url, Json.Content(new { parents = new[] { group.Id } }), Ct))
            .AssertJsonAsync(400, """{"parents": ["Cannot set group as parent of itself."]}""");
        await (await client.PatchAsync(url, Json.Content(new { name = "taken" }), Ct))
            .AssertJsonAsync(400, """{"name": ["Group with this name already exists."]}""");
        await (await client.PatchAsync(url, Json.Content(new { is_superuser = false }), Ct))
            .AssertJsonAsync(400, """{"is_superuser": ["User does not have permission to set superuser status to False."]}""");
        // Sending the unchanged flag needs no permission.
        Assert.Equal(200, (int)(await client.PatchAsync(url, Json.Content(new { is_superuser = true, name = "team2" }), Ct)).StatusCode);

        await app.GrantAsync(user, GroupsApi.DisableSuperuserPermission, group.Id.ToString());
        Assert.Equal(200, (int)(await client.PatchAsync(url, Json.Content(new { is_superuser = false }), Ct)).StatusCode);
        Assert.False((await app.WithDbAsync(db => db.Groups.FirstAsync(g => g.Id == group.Id))).IsSuperuser);
    }

    [Theory, Providers]
    public async Task DeleteRemovesTheGroupAndItsLinks(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var member = await app.CreateUserAsync();
        var parent = await app.CreateGroupAsync("parent");
        var group = await app.CreateGroupAsync("doomed", parents: [parent], members: [member]);
        var client = await app.AsTokenAsync(admin);

        var response = await client.DeleteAsync($"{Url}{group.Id}/", Ct);

        Assert.Equal(204, (int)response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync(Ct));
        Assert.False(await app.WithDbAsync(db => db.Groups.AnyAsync(g => g.Id == group.Id)));
        Assert.True(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == member.Id && !u.Groups.Any())));
        Assert.True(await app.WithDbAsync(db => db.Groups.AnyAsync(g => g.Id == parent.Id && !g.Children.Any())));
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelDeleted)), admin,
            "authentik_core", "group", group.Id.ToString("N"), "doomed");
    }

    [Theory, Providers]
    public async Task DeleteNeedsDeletePermission(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var group = await app.CreateGroupAsync();
        await app.GrantAsync(user, GroupsApi.ViewPermission);
        var client = await app.AsTokenAsync(user);

        await (await client.DeleteAsync($"{Url}{group.Id}/", Ct)).AssertJsonAsync(403, Forbidden);
        await (await client.DeleteAsync($"{Url}{Guid.NewGuid()}/", Ct)).AssertJsonAsync(404, NoGroup);
        await (await app.Anonymous().DeleteAsync($"{Url}{group.Id}/", Ct)).AssertJsonAsync(403, NotAuthenticated);
        Assert.True(await app.WithDbAsync(db => db.Groups.AnyAsync(g => g.Id == group.Id)));
        Assert.Empty(await app.EventsAsync(EventActions.ModelDeleted));
    }

    [Theory, Providers]
    public async Task AddUserWithObjectPermissionOnTheGroup(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        var group = await app.CreateGroupAsync("team");
        await app.GrantAsync(user, GroupsApi.AddUserPermission, group.Id.ToString());
        await app.GrantAsync(user, "authentik_core.view_user");
        var client = await app.AsTokenAsync(user);

        var response = await client.PostAsync($"{Url}{group.Id}/add_user/", Json.Content(new { pk = target.Id }), Ct);

        Assert.Equal(204, (int)response.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Groups.AnyAsync(g => g.Id == group.Id && g.Users.Any(u => u.Id == target.Id))));
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelUpdated)), user,
            "authentik_core", "group", group.Id.ToString("N"), "team");
        // Adding again changes nothing but is still answered 204.
        Assert.Equal(204, (int)(await client.PostAsync($"{Url}{group.Id}/add_user/", Json.Content(new { pk = target.Id }), Ct)).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.Groups.Where(g => g.Id == group.Id).SelectMany(g => g.Users).CountAsync()));
    }

    [Theory, Providers]
    public async Task AddUserRefusesWithoutPermissionBadBodiesAndInvisibleUsers(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        var group = await app.CreateGroupAsync();
        var other = await app.CreateGroupAsync();
        await app.GrantAsync(user, GroupsApi.AddUserPermission, group.Id.ToString());
        var client = await app.AsTokenAsync(user);

        await (await client.PostAsync($"{Url}{other.Id}/add_user/", Json.Content(new { pk = target.Id }), Ct)).AssertJsonAsync(403, Forbidden);
        await (await client.PostAsync($"{Url}{Guid.NewGuid()}/add_user/", Json.Content(new { pk = target.Id }), Ct)).AssertJsonAsync(404, NoGroup);
        await (await client.PostAsync($"{Url}nope/add_user/", Json.Content(new { pk = target.Id }), Ct)).AssertJsonAsync(404, NotFound);
        await (await client.PostAsync($"{Url}{group.Id}/add_user/", Json.Content(new { }), Ct))
            .AssertJsonAsync(400, """{"pk": ["This field is required."]}""");
        await (await client.PostAsync($"{Url}{group.Id}/add_user/", Json.Content(new { pk = "abc" }), Ct))
            .AssertJsonAsync(400, """{"pk": ["A valid integer is required."]}""");
        // The caller may not view users: the target is answered exactly like a missing one.
        await (await client.PostAsync($"{Url}{group.Id}/add_user/", Json.Content(new { pk = target.Id }), Ct)).AssertJsonAsync(404, NotFound);
        await (await client.PostAsync($"{Url}{group.Id}/add_user/", Json.Content(new { pk = 99999 }), Ct)).AssertJsonAsync(404, NotFound);
        await (await app.Anonymous().PostAsync($"{Url}{group.Id}/add_user/", Json.Content(new { pk = target.Id }), Ct)).AssertJsonAsync(403, NotAuthenticated);

        Assert.False(await app.WithDbAsync(db => db.Groups.AnyAsync(g => g.Users.Any(u => u.Id == target.Id))));
        Assert.Empty(await app.EventsAsync(EventActions.ModelUpdated));
    }

    [Theory, Providers]
    public async Task RemoveUserTakesTheMemberOut(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        var group = await app.CreateGroupAsync("team", members: [target]);
        await app.GrantAsync(user, GroupsApi.RemoveUserPermission);
        await app.GrantAsync(user, "authentik_core.view_user", target.Id.ToString());
        var client = await app.AsTokenAsync(user);

        await (await client.PostAsync($"{Url}{group.Id}/add_user/", Json.Content(new { pk = target.Id }), Ct)).AssertJsonAsync(403, Forbidden);
        var response = await client.PostAsync($"{Url}{group.Id}/remove_user/", Json.Content(new { pk = target.Id }), Ct);

        Assert.Equal(204, (int)response.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Groups.AnyAsync(g => g.Users.Any(u => u.Id == target.Id))));
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelUpdated)), user,
            "authentik_core", "group", group.Id.ToString("N"), "team");
        await (await client.PostAsync($"{Url}{group.Id}/remove_user/", Json.Content(new { pk = 99999 }), Ct)).AssertJsonAsync(404, NotFound);
    }

    [Theory, Providers]
    public async Task UsedByListsChildrenParentsRolesAndMembers(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var member = await app.CreateUserAsync("member-one");
        var role = await app.CreateRoleAsync("holders");
        var parent = await app.CreateGroupAsync("parent");
        var group = await app.CreateGroupAsync("middle", parents: [parent], members: [member], roles: [role]);
        var child = await app.CreateGroupAsync("child", parents: [group]);

        var response = await (await app.AsTokenAsync(admin)).GetAsync($"{Url}{group.Id}/used_by/", Ct);

        await response.AssertJsonAsync(200, $$"""
            [{"app": "authentik_core", "model_name": "group", "pk": "{{child.Id}}", "name": "Group child", "action": "cascade_many"},
             {"app": "authentik_core", "model_name": "group", "pk": "{{parent.Id}}", "name": "Group parent", "action": "cascade_many"},
             {"app": "authentik_rbac", "model_name": "role", "pk": "{{role.Id}}", "name": "Role holders", "action": "cascade_many"},
             {"app": "authentik_core", "model_name": "user", "pk": "{{member.Id}}", "name": "member-one", "action": "cascade_many"}]
            """);
    }

    [Theory, Providers]
    public async Task UsedByListsOnlyWhatTheCallerMayView(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var member = await app.CreateUserAsync();
        var group = await app.CreateGroupAsync("middle", members: [member]);
        var child = await app.CreateGroupAsync("child", parents: [group]);
        var client = await app.AsTokenAsync(user);

        // As authentik's used_by: the group only has to exist, the references are narrowed to what the caller may view.
        await (await client.GetAsync($"{Url}{group.Id}/used_by/", Ct)).AssertJsonAsync(200, "[]");
        await app.GrantAsync(user, GroupsApi.ViewPermission, child.Id.ToString());
        await (await client.GetAsync($"{Url}{group.Id}/used_by/", Ct)).AssertJsonAsync(200, $$"""
            [{"app": "authentik_core", "model_name": "group", "pk": "{{child.Id}}", "name": "Group child", "action": "cascade_many"}]
            """);
        await (await client.GetAsync($"{Url}nope/used_by/", Ct)).AssertJsonAsync(404, NotFound);
        await (await client.GetAsync($"{Url}{Guid.NewGuid()}/used_by/", Ct)).AssertJsonAsync(404, NoGroup);
        await (await app.Anonymous().GetAsync($"{Url}{group.Id}/used_by/", Ct)).AssertJsonAsync(403, NotAuthenticated);
    }
}
