using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Tests.Infrastructure;
using static Warden.Tests.Core.CoreTestData;

namespace Warden.Tests.Core;

public sealed class UsersApiTests
{
    private const string Users = "/api/v3/core/users/";

    [Theory, Providers]
    public async Task ListIsRefusedToAnonymousCallers(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var response = await app.Anonymous().GetAsync(Users, Ct);
        await response.AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
    }

    [Theory, Providers]
    public async Task ListWithoutAnyViewPermissionIsForbidden(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync("plain");
        var response = await (await app.AsTokenAsync(user)).GetAsync(Users, Ct);
        await response.AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
    }

    [Theory, Providers]
    public async Task SuperuserListsEveryUserButTheAnonymousOneInAuthentiksShape(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var alice = await app.CreateUserAsync("alice", email: "alice@example.test");
        var group = await app.CreateGroupAsync("staff", false, alice);
        var role = await app.CreateRoleAsync("auditors", alice);
        var client = await app.AsTokenAsync(admin);
        var installId = await app.InstallIdAsync();

        var all = await (await client.GetAsync(Users + "?page_size=100", Ct)).BodyAsync();
        var usernames = all["results"]!.AsArray().Select(u => (string)u!["username"]!).ToList();
        Assert.Equal(["akadmin", "alice", "root"], usernames);

        var response = await client.GetAsync(Users + "?username=alice", Ct);
        var expected = UserJson(await app.ReloadAsync(alice), installId, [group], [role]);
        await response.AssertJsonAsync(200, Page([expected], 1));
    }

    [Theory, Providers]
    public async Task ObjectViewPermissionListsOnlyThoseUsers(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var viewer = await app.CreateUserAsync("viewer");
        var visible = await app.CreateUserAsync("visible");
        await app.CreateUserAsync("hidden");
        await app.GrantAsync(viewer, "authentik_core.view_user", Str(visible.Id));
        var client = await app.AsTokenAsync(viewer);

        var list = await (await client.GetAsync(Users, Ct)).BodyAsync();
        Assert.Equal(["visible"], list["results"]!.AsArray().Select(u => (string)u!["username"]!));

        var hidden = await app.WithDbAsync(db => db.Users.SingleAsync(u => u.Username == "hidden"));
        var response = await client.GetAsync($"{Users}{hidden.Id}/", Ct);
        await response.AssertJsonAsync(404, """{"detail": "No User matches the given query."}""");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{Users}{visible.Id}/", Ct)).StatusCode);
    }

    [Theory, Providers]
    public async Task InternalServiceAccountWithoutPermissionGetsAnEmptyList(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var outpost = await app.CreateUserAsync("outpost", type: UserType.InternalServiceAccount);
        var response = await (await app.AsTokenAsync(outpost)).GetAsync(Users, Ct);
        await response.AssertJsonAsync(200, Page([], 0));
    }

    [Theory, Providers]
    public async Task PagesAreNumberedAsAuthentikDoes(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        await app.WithDbAsync(async db =>
        {
            for (var i = 0; i < 25; i++)
            {
                db.Users.Add(new User { Username = $"p{i:D2}", Name = "p", Path = "paging", Password = "!", DateJoined = app.Clock.GetUtcNow().UtcDateTime });
            }
            await db.SaveChangesAsync();
        });
        var client = await app.AsTokenAsync(admin);

        async Task<(JsonNode Pagination, List<string> Names)> PageAsync(string query)
        {
            var body = await (await client.GetAsync(Users + "?path=paging&include_groups=false&include_roles=false&" + query, Ct)).BodyAsync();
            return (body["pagination"]!, body["results"]!.AsArray().Select(u => (string)u!["username"]!).ToList());
        }

        var first = await PageAsync("page_size=10");
        AssertJson(first.Pagination, """{"next": 2, "previous": 0, "count": 25, "current": 1, "total_pages": 3, "start_index": 1, "end_index": 10}""");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"p{i:D2}"), first.Names);

        var middle = await PageAsync("page_size=10&page=2");
        AssertJson(middle.Pagination, """{"next": 3, "previous": 1, "count": 25, "current": 2, "total_pages": 3, "start_index": 11, "end_index": 20}""");
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"p{i:D2}"), middle.Names);

        var last = await PageAsync("page_size=10&page=3");
        AssertJson(last.Pagination, """{"next": 0, "previous": 2, "count": 25, "current": 3, "total_pages": 3, "start_index": 21, "end_index": 25}""");
        Assert.Equal(Enumerable.Range(20, 5).Select(i => $"p{i:D2}"), last.Names);

        var capped = await PageAsync("page_size=500");
        AssertJson(capped.Pagination, """{"next": 0, "previous": 0, "count": 25, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 25}""");

        var beyond = await client.GetAsync(Users + "?path=paging&page_size=10&page=4", Ct);
        await beyond.AssertJsonAsync(404, """{"detail": "Invalid page."}""");

        var empty = await client.GetAsync(Users + "?path=nothing-here", Ct);
        await empty.AssertJsonAsync(200, Page([], 0));
    }

    [Theory, Providers]
    public async Task SearchMatchesUsernameNameEmailAndUuid(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var carol = await app.CreateUserAsync("carol", email: "c@corp.test");
        await app.CreateUserAsync("dave", email: "dave@home.test");
        await app.WithDbAsync(db => db.Users.Where(u => u.Username == "dave").ExecuteUpdateAsync(s => s.SetProperty(u => u.Name, "Dave Carolson"), Ct));
        var client = await app.AsTokenAsync(admin);

        async Task<List<string>> SearchAsync(string term)
        {
            var body = await (await client.GetAsync(Users + "?search=" + Uri.EscapeDataString(term), Ct)).BodyAsync();
            return body["results"]!.AsArray().Select(u => (string)u!["username"]!).ToList();
        }

        Assert.Equal(["carol", "dave"], await SearchAsync("CAROL"));
        Assert.Equal(["carol"], await SearchAsync("corp.test"));
        Assert.Equal(["carol"], await SearchAsync(carol.Uuid.ToString()[..13]));
        Assert.Equal(["dave"], await SearchAsync("carol home"));
        Assert.Empty(await SearchAsync("nobody"));
    }

    [Theory, Providers]
    public async Task OrderingFollowsTheRequestAndDefaultsToUsername(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        await app.CreateUserAsync("bravo");
        await app.CreateUserAsync("alpha");
        await app.WithDbAsync(db => db.Users.Where(u => u.Username == "alpha").ExecuteUpdateAsync(s => s.SetProperty(u => u.Name, "zz"), Ct));
        string[] names = ["root", "bravo", "alpha"];
        await app.WithDbAsync(db => db.Users.Where(u => names.Contains(u.Username)).ExecuteUpdateAsync(s => s.SetProperty(u => u.Path, "ord"), Ct));
        var client = await app.AsTokenAsync(admin);

        async Task<List<string>> OrderAsync(string ordering)
        {
            var body = await (await client.GetAsync(Users + "?path=ord&ordering=" + ordering, Ct)).BodyAsync();
            return body["results"]!.AsArray().Select(u => (string)u!["username"]!).ToList();
        }

        Assert.Equal(["alpha", "bravo", "root"], await OrderAsync(""));
        Assert.Equal(["root", "bravo", "alpha"], await OrderAsync("-username"));
        Assert.Equal(["alpha", "root", "bravo"], await OrderAsync("-name,username"));
        Assert.Equal(["alpha", "bravo", "root"], await OrderAsync("not_a_field"));
    }

    [Theory, Providers]
    public async Task FiltersNarrowTheList(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var ext = await app.CreateUserAsync("ext", type: UserType.External);
        var sa = await app.CreateUserAsync("robot", type: UserType.ServiceAccount, active: false);
        var staff = await app.CreateGroupAsync("staff", false, ext);
        var auditors = await app.CreateRoleAsync("auditors", sa);
        await app.WithDbAsync(db => db.Users.Where(u => u.Username == "ext")
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastLogin, new DateTime(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc)), Ct));
        var client = await app.AsTokenAsync(admin);

        async Task<List<string>> ListAsync(string query)
        {
            var response = await client.GetAsync(Users + "?" + query, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.BodyAsync();
            return body["results"]!.AsArray().Select(u => (string)u!["username"]!).ToList();
        }

        Assert.Equal(["robot"], await ListAsync("is_active=false"));
        Assert.Equal(["akadmin", "root"], await ListAsync("is_superuser=true"));
        Assert.Equal(["ext", "robot"], await ListAsync("is_superuser=false"));
        Assert.Equal(["ext", "robot"], await ListAsync("type=external&type=service_account"));
        Assert.Equal(["ext"], await ListAsync("groups_by_name=staff"));
        Assert.Equal(["ext"], await ListAsync($"groups_by_pk={staff.Id}"));
        Assert.Equal(["robot"], await ListAsync("roles_by_name=auditors"));
        Assert.Equal(["robot"], await ListAsync($"roles_by_pk={auditors.Id}"));
        Assert.Equal(["ext"], await ListAsync("last_login__isnull=false"));
        Assert.Equal(["ext"], await ListAsync("last_login__lt=2026-11-25T00:00:00Z"));
        Assert.Equal(["akadmin", "root", "ext", "robot"], await ListAsync("date_joined__gt=2026-01-01T00:00:00Z&ordering=pk"));
        Assert.Empty(await ListAsync("date_joined__lt=2026-01-01T00:00:00Z"));
        Assert.Equal(["robot"], await ListAsync($"uuid={sa.Uuid}"));
        Assert.Equal(["robot"], await ListAsync("email=robot@example.test"));
        Assert.Equal(["ext", "robot"], await ListAsync("path_startswith=use&type=external&type=service_account"));
        Assert.Empty(await ListAsync("path_startswith=x"));
    }

    [Theory, Providers]
    public async Task AttributesFilterMatchesEveryGivenKeyIncludingNestedOnes(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        await app.CreateUserAsync("oslo");
        await app.CreateUserAsync("bergen");
        await app.WithDbAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Username == "oslo", Ct)).Attributes =
                new JsonObject { ["tier"] = 1, ["site"] = new JsonObject { ["city"] = "Oslo" } };
            (await db.Users.SingleAsync(u => u.Username == "bergen", Ct)).Attributes = new JsonObject { ["tier"] = 2 };
            await db.SaveChangesAsync(Ct);
        });
        var client = await app.AsTokenAsync(admin);

        async Task<List<string>> ListAsync(string attributes)
        {
            var response = await client.GetAsync(Users + "?attributes=" + Uri.EscapeDataString(attributes), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.BodyAsync())["results"]!.AsArray().Select(u => (string)u!["username"]!).ToList();
        }

        Assert.Equal(["oslo"], await ListAsync("""{"tier": 1}"""));
        Assert.Equal(["oslo"], await ListAsync("""{"site__city": "Oslo", "tier": 1}"""));
        Assert.Empty(await ListAsync("""{"site__city": "Oslo", "tier": 2}"""));
        Assert.Equal(["bergen"], await ListAsync("""{"tier": 2}"""));
        Assert.Empty(await ListAsync("""{"missing": null}"""));
        await (await client.GetAsync(Users + "?attributes=nope", Ct)).AssertJsonAsync(400, """["filter: failed to parse JSON"]""");
        await (await client.GetAsync(Users + "?attributes=%5B1%5D", Ct)).AssertJsonAsync(400, """["filter: value must be key:value mapping"]""");
        await (await client.GetAsync(Users + "paths/?attributes=" + Uri.EscapeDataString("""{"tier": 2}"""), Ct))
            .AssertJsonAsync(200, """{"paths": ["users"]}""");
    }

    [Theory, Providers]
    public async Task InvalidFilterValuesAreRejectedWithDjangoFiltersMessages(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var client = await app.AsTokenAsync(admin);
        await (await client.GetAsync(Users + "?uuid=nope", Ct)).AssertJsonAsync(400, """{"uuid": ["Enter a valid UUID."]}""");
        await (await client.GetAsync(Users + "?type=robot", Ct))
            .AssertJsonAsync(400, """{"type": ["Select a valid choice. robot is not one of the available choices."]}""");
        await (await client.GetAsync(Users + "?groups_by_name=ghosts", Ct))
            .AssertJsonAsync(400, """{"groups_by_name": ["Select a valid choice. ghosts is not one of the available choices."]}""");
        await (await client.GetAsync(Users + "?groups_by_pk=xyz", Ct))
            .AssertJsonAsync(400, """{"groups_by_pk": ["“xyz” is not a valid value."]}""");
        await (await client.GetAsync(Users + "?date_joined__gt=yesterday", Ct))
            .AssertJsonAsync(400, """{"date_joined__gt": ["Enter a valid date/time."]}""");
    }

    [Theory, Providers]
    public async Task IncludeGroupsAndRolesFalseLeavesTheObjectsOut(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var adminGroup = await app.AdminGroupAsync();
        var response = await (await app.AsTokenAsync(admin)).GetAsync($"{Users}{admin.Id}/?include_groups=false&include_roles=False", Ct);
        var expected = UserJson(await app.ReloadAsync(admin), await app.InstallIdAsync(), [adminGroup], [], includeGroups: false, includeRoles: false);
        await response.AssertJsonAsync(200, expected.ToJsonString());
    }

    [Theory, Providers]
    public async Task RetrieveAnswersNotFoundForUnknownAnonymousAndMalformedIds(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var client = await app.AsTokenAsync(admin);
        var anonymous = await app.WithDbAsync(db => db.Users.SingleAsync(u => u.Username == "AnonymousUser"));
        await (await client.GetAsync($"{Users}99999/", Ct)).AssertJsonAsync(404, """{"detail": "No User matches the given query."}""");
        await (await client.GetAsync($"{Users}{anonymous.Id}/", Ct)).AssertJsonAsync(404, """{"detail": "No User matches the given query."}""");
        await (await client.GetAsync($"{Users}abc/", Ct)).AssertJsonAsync(404, """{"detail": "Not found."}""");
        await (await client.DeleteAsync($"{Users}{anonymous.Id}/", Ct)).AssertJsonAsync(404, """{"detail": "No User matches the given query."}""");
        Assert.True(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Username == "AnonymousUser")));
    }

    [Theory, Providers]
    public async Task RetrieveWithoutAnyViewPermissionIsForbidden(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var plain = await app.CreateUserAsync("plain");
        var other = await app.CreateUserAsync("other");
        var client = await app.AsTokenAsync(plain);
        await (await client.GetAsync($"{Users}{other.Id}/", Ct)).AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
        await (await app.Anonymous().GetAsync($"{Users}{other.Id}/", Ct))
            .AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
    }

    [Theory, Providers]
    public async Task CreateMakesAUserWithoutUsablePassword(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var group = await app.CreateGroupAsync("staff");
        var role = await app.CreateRoleAsync("auditors");
        var response = await (await app.AsTokenAsync(admin)).PostAsync(Users, Json.Content(new
        {
            username = "  newbie  ",
            name = "New Bie",
            email = "newbie@example.test",
            groups = new[] { group.Id },
            roles = new[] { role.Id },
            attributes = new { settings = new { locale = "de" } },
            path = "users/new",
            type = "external",
        }), Ct);
        var created = await app.WithDbAsync(db => db.Users.AsNoTracking().Include(u => u.Groups).Include(u => u.Roles).SingleAsync(u => u.Username == "newbie"));
        Assert.False(PasswordHasher.HasUsablePassword(created.Password));
        Assert.Equal(UserType.External, created.Type);
        Assert.True(created.IsActive);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, created.DateJoined);
        await response.AssertJsonAsync(201, UserJson(created, await app.InstallIdAsync(), [group], [role]).ToJsonString());
    }

    [Theory, Providers]
    public async Task CreateValidatesLikeAuthentiksSerializer(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var client = await app.AsTokenAsync(admin);
        var missingGroup = Guid.NewGuid();

        async Task ExpectAsync(object body, string errors)
        {
            var response = await client.PostAsync(Users, Json.Content(body), Ct);
            await response.AssertJsonAsync(400, errors);
        }

        await ExpectAsync(new { }, """{"username": ["This field is required."], "name": ["This field is required."]}""");
        await ExpectAsync(new { username = " ", name = "" }, """{"username": ["This field may not be blank."]}""");
        await ExpectAsync(new { username = new string('u', 151), name = "x" }, """{"username": ["Ensure this field has no more than 150 characters."]}""");
        await ExpectAsync(new { username = "root", name = "x" }, """{"username": ["This field must be unique."]}""");
        await ExpectAsync(new { username = "x1", name = "x", path = "/users" }, """{"path": ["No leading or trailing slashes allowed."]}""");
        await ExpectAsync(new { username = "x1", name = "x", path = "a//b" }, """{"path": ["No empty segments in user path allowed."]}""");
        await ExpectAsync(new { username = "x1", name = "x", path = "" }, """{"path": ["This field may not be blank."]}""");
        await ExpectAsync(new { username = "x1", name = "x", type = "internal_service_account" },
            """{"type": ["Setting a user to internal service account is not allowed."]}""");
        await ExpectAsync(new { username = "x1", name = "x", type = "robot" }, """{"type": ["\"robot\" is not a valid choice."]}""");
        await ExpectAsync(new { username = "x1", name = "x", groups = new[] { missingGroup } },
            $$"""{"groups": ["Invalid pk \"{{missingGroup}}\" - object does not exist."]}""");
        await ExpectAsync(new { username = "x1", name = "x", attributes = new[] { 1 } },
            """{"attributes": ["Value must be a dictionary, and not have any duplicate keys."]}""");
        await ExpectAsync(new { username = "x1", name = "x", email = "not-an-email" }, """{"email": ["Enter a valid email address."]}""");
        await ExpectAsync(new { username = "x1", name = "x", is_active = (bool?)null }, """{"is_active": ["This field may not be null."]}""");
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Username == "x1")));
    }

    [Theory, Providers]
    public async Task CreateNeedsTheAddUserPermission(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var viewer = await app.CreateUserAsync("viewer");
        await app.GrantAsync(viewer, "authentik_core.view_user");
        var response = await (await app.AsTokenAsync(viewer)).PostAsync(Users, Json.Content(new { username = "x", name = "x" }), Ct);
        await response.AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
        await (await app.Anonymous().PostAsync(Users, Json.Content(new { username = "x", name = "x" }), Ct))
            .AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");

        await app.GrantAsync(viewer, "authentik_core.add_user");
        var allowed = await (await app.AsTokenAsync(viewer)).PostAsync(Users, Json.Content(new { username = "x", name = "x" }), Ct);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Theory, Providers]
    public async Task FullUpdateReplacesFieldsAndClearsOmittedGroups(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var bob = await app.CreateUserAsync("bob");
        await app.CreateGroupAsync("staff", false, bob);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var response = await (await app.AsTokenAsync(admin)).PutAsync($"{Users}{bob.Id}/", Json.Content(new
        {
            username = "robert",
            name = "Robert",
            last_login = "2026-11-20T08:30:00.250000Z",
        }), Ct);
        var updated = await app.ReloadAsync(bob);
        Assert.Empty(updated.Groups);
        Assert.Equal("robert", updated.Username);
        Assert.Equal(new DateTime(2026, 11, 20, 8, 30, 0, 250, DateTimeKind.Utc), updated.LastLogin);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, updated.LastUpdated);
        var expected = UserJson(updated, await app.InstallIdAsync());
        Assert.Equal("2026-11-20T08:30:00.250000Z", (string)expected["last_login"]!);
        await response.AssertJsonAsync(200, expected.ToJsonString());
    }

    [Theory, Providers]
    public async Task UpdateNeedsChangePermissionOnTheUser(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var editor = await app.CreateUserAsync("editor");
        var target = await app.CreateUserAsync("target");
        await app.GrantAsync(editor, "authentik_core.view_user");
        var client = await app.AsTokenAsync(editor);
        await (await client.PatchAsync($"{Users}{target.Id}/", Json.Content(new { name = "x" }), Ct))
            .AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
        await (await client.PatchAsync($"{Users}99999/", Json.Content(new { name = "x" }), Ct))
            .AssertJsonAsync(404, """{"detail": "No User matches the given query."}""");

        await app.GrantAsync(editor, "authentik_core.change_user", Str(target.Id));
        var response = await client.PatchAsync($"{Users}{target.Id}/", Json.Content(new { name = "Renamed" }), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Renamed", (await app.ReloadAsync(target)).Name);
    }

    [Theory, Providers]
    public async Task DeactivatingAUserEndsItsSessionsAndRefusesItsTokens(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var victim = await app.CreateUserAsync("victim");
        var (browser, _) = await app.AsSessionAsync(victim);
        var tokenClient = await app.AsTokenAsync(victim);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Users + "me/", Ct)).StatusCode);

        var response = await (await app.AsTokenAsync(admin)).PatchAsync($"{Users}{victim.Id}/", Json.Content(new { is_active = false }), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((bool)(await response.BodyAsync())["is_active"]!);

        Assert.Equal(0, await app.WithDbAsync(db => db.AuthenticatedSessions.CountAsync(a => a.UserId == victim.Id)));
        await (await browser.GetAsync(Users + "me/", Ct)).AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
        await (await tokenClient.GetAsync(Users + "me/", Ct)).AssertJsonAsync(403, """{"detail": "Token invalid/expired"}""");
    }

    [Theory, Providers]
    public async Task InternalServiceAccountsCannotBeModified(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var outpost = await app.CreateUserAsync("outpost", type: UserType.InternalServiceAccount);
        var client = await app.AsTokenAsync(admin);
        await (await client.PatchAsync($"{Users}{outpost.Id}/", Json.Content(new { name = "x" }), Ct))
            .AssertJsonAsync(400, """{"non_field_errors": ["Can't modify internal service account users"]}""");
        await (await client.PatchAsync($"{Users}{outpost.Id}/", Json.Content(new { type = "internal" }), Ct))
            .AssertJsonAsync(400, """{"type": ["Can't change internal service account to other user type."]}""");
        Assert.Equal("outpost", (await app.ReloadAsync(outpost)).Name);
    }

    [Theory, Providers]
    public async Task DestroyDeletesTheUserWithItsTokensAndSessions(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var victim = await app.CreateUserAsync("victim");
        var (browser, sessionKey) = await app.AsSessionAsync(victim);
        var tokenClient = await app.AsTokenAsync(victim);

        var response = await (await app.AsTokenAsync(admin)).DeleteAsync($"{Users}{victim.Id}/", Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == victim.Id)));
        Assert.False(await app.WithDbAsync(db => db.Tokens.AnyAsync(t => t.UserId == victim.Id)));
        Assert.False(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.SessionKey == sessionKey)));
        await (await browser.GetAsync(Users + "me/", Ct)).AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
        await (await tokenClient.GetAsync(Users + "me/", Ct)).AssertJsonAsync(403, """{"detail": "Token invalid/expired"}""");
    }

    [Theory, Providers]
    public async Task DestroyNeedsTheDeletePermission(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var viewer = await app.CreateUserAsync("viewer");
        var target = await app.CreateUserAsync("target");
        await app.GrantAsync(viewer, "authentik_core.view_user");
        var client = await app.AsTokenAsync(viewer);
        await (await client.DeleteAsync($"{Users}{target.Id}/", Ct))
            .AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
        await (await client.DeleteAsync($"{Users}99999/", Ct)).AssertJsonAsync(404, """{"detail": "No User matches the given query."}""");
        await (await app.Anonymous().DeleteAsync($"{Users}{target.Id}/", Ct))
            .AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
        Assert.True(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == target.Id)));
    }

    [Theory, Providers]
    public async Task UsedByListsTheObjectsThatReferenceTheUser(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var bob = await app.CreateUserAsync("bob");
        var group = await app.CreateGroupAsync("staff", false, bob);
        var role = await app.CreateRoleAsync("auditors", bob);
        await app.AsSessionAsync(bob);
        var session = await app.WithDbAsync(db => db.AuthenticatedSessions.SingleAsync(a => a.UserId == bob.Id));
        var client = await app.AsTokenAsync(admin);

        var response = await client.GetAsync($"{Users}{bob.Id}/used_by/", Ct);
        await response.AssertJsonAsync(200, $$"""
            [
              {"app": "authentik_core", "model_name": "authenticatedsession", "pk": "{{session.Uuid}}", "name": "Authenticated Session {{session.Uuid.ToString()[..10]}}", "action": "cascade"},
              {"app": "authentik_core", "model_name": "group", "pk": "{{group.Id}}", "name": "Group staff", "action": "cascade_many"},
              {"app": "authentik_rbac", "model_name": "role", "pk": "{{role.Id}}", "name": "Role auditors", "action": "cascade_many"}
            ]
            """);
        await (await client.GetAsync($"{Users}99999/used_by/", Ct)).AssertJsonAsync(404, """{"detail": "No User matches the given query."}""");

        // Without view permissions on the referencing models, nothing is listed.
        var plain = await app.CreateUserAsync("plain");
        await (await (await app.AsTokenAsync(plain)).GetAsync($"{Users}{bob.Id}/used_by/", Ct)).AssertJsonAsync(200, "[]");
    }

    [Theory, Providers]
    public async Task MeReturnsTheCallerEvenWithoutPermissions(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var plain = await app.CreateUserAsync("plain", email: "plain@example.test");
        var parent = await app.CreateGroupAsync("parent");
        var child = await app.CreateGroupAsync("child", false, plain);
        await app.WithDbAsync(async db =>
        {
            var c = await db.Groups.Include(g => g.Parents).SingleAsync(g => g.Id == child.Id);
            c.Parents.Add(await db.Groups.SingleAsync(g => g.Id == parent.Id));
            c.Attributes = new JsonObject { ["settings"] = new JsonObject { ["theme"] = "dark", ["locale"] = "en" } };
            var u = await db.Users.SingleAsync(x => x.Id == plain.Id);
            u.Attributes = new JsonObject { ["settings"] = new JsonObject { ["locale"] = "de" } };
            await db.SaveChangesAsync();
        });
        var role = await app.CreateRoleAsync("viewers", plain);
        await app.WithDbAsync(async db =>
        {
            db.Set<Warden.Rbac.RolePermission>().Add(new Warden.Rbac.RolePermission { RoleId = role.Id, Permission = "authentik_rbac.access_admin_interface" });
            await db.SaveChangesAsync();
        });
        var installId = await app.InstallIdAsync();
        var (browser, _) = await app.AsSessionAsync(plain);

        var response = await browser.GetAsync(Users + "me/", Ct);
        var self = $$"""
            {
              "pk": {{plain.Id}}, "username": "plain", "name": "plain", "is_active": true, "is_superuser": false, "is_current": true,
              "groups": [{"name": "child", "pk": "{{child.Id}}"}, {"name": "parent", "pk": "{{parent.Id}}"}],
              "roles": [{"name": "viewers", "pk": "{{role.Id}}"}],
              "email": "plain@example.test", "avatar": "{{Avatars.For(plain)}}", "uid": "{{Uid(plain.Id, installId)}}",
              "settings": {"theme": "dark", "locale": "de"}, "type": "internal", "system_permissions": ["access_admin_interface"]
            }
            """;
        await response.AssertJsonAsync(200, $$"""{"user": {{self}}, "users": [{{self}}]}""");
        await (await app.Anonymous().GetAsync(Users + "me/", Ct)).AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
    }

    [Theory, Providers]
    public async Task PathsListsTheDistinctPathsOfVisibleUsers(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        await app.WithDbAsync(async db =>
        {
            db.Users.Add(new User { Username = "a", Path = "b/c", Password = "!" });
            db.Users.Add(new User { Username = "b", Path = "a/b", Password = "!" });
            db.Users.Add(new User { Username = "c", Path = "b/c", Password = "!" });
            await db.SaveChangesAsync();
        });
        var client = await app.AsTokenAsync(admin);
        await (await client.GetAsync(Users + "paths/", Ct)).AssertJsonAsync(200, """{"paths": ["a/b", "b/c", "users"]}""");
        await (await client.GetAsync(Users + "paths/?search=akadmin", Ct)).AssertJsonAsync(200, """{"paths": ["users"]}""");
        await (await client.GetAsync(Users + "paths/?path_startswith=b", Ct)).AssertJsonAsync(200, """{"paths": ["b/c"]}""");
        var plain = await app.CreateUserAsync("plain");
        await (await (await app.AsTokenAsync(plain)).GetAsync(Users + "paths/", Ct))
            .AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
    }

    [Theory, Providers]
    public async Task SetPasswordHashesItEndsOtherSessionsAndRecordsAnEvent(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var bob = await app.CreateUserAsync("bob", email: "bob@example.test");
        await app.GrantAsync(bob, "authentik_core.view_user", Str(bob.Id));
        await app.GrantAsync(bob, "authentik_core.reset_user_password", Str(bob.Id));
        var (own, ownKey) = await app.AsSessionAsync(bob);
        var (other, otherKey) = await app.AsSessionAsync(bob);
        app.Clock.Advance(TimeSpan.FromSeconds(30));

        var response = await own.PostAsync($"{Users}{bob.Id}/set_password/", Json.Content(new { password = "n3w-secret" }), Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var updated = await app.ReloadAsync(bob);
        Assert.True(PasswordHasher.Verify("n3w-secret", updated.Password));
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, updated.PasswordChangeDate);

        Assert.True(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.SessionKey == ownKey)));
        Assert.False(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.SessionKey == otherKey)));
        Assert.Equal(HttpStatusCode.OK, (await own.GetAsync(Users + "me/", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(Users + "me/", Ct)).StatusCode);

        var evt = await app.LastEventAsync("password_set");
        Assert.Equal("authentik.events.signals", evt.App);
        AssertJson(evt.User, $$"""{"pk": {{bob.Id}}, "username": "bob", "email": "bob@example.test"}""");
        Assert.Equal(["http_request"], evt.Context.Select(p => p.Key));
        Assert.Equal($"{Users}{bob.Id}/set_password/", (string)evt.Context["http_request"]!["path"]!);
    }

    [Theory, Providers]
    public async Task SetPasswordValidatesAndChecksPermissions(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var viewer = await app.CreateUserAsync("viewer");
        var target = await app.CreateUserAsync("target");
        await app.GrantAsync(viewer, "authentik_core.view_user");
        var adminClient = await app.AsTokenAsync(admin);
        await (await adminClient.PostAsync($"{Users}{target.Id}/set_password/", Json.Content(new { }), Ct))
            .AssertJsonAsync(400, """{"password": ["This field is required."]}""");
        await (await adminClient.PostAsync($"{Users}{target.Id}/set_password/", Json.Content(new { password = "" }), Ct))
            .AssertJsonAsync(400, """{"password": ["This field may not be blank."]}""");
        await (await adminClient.PostAsync($"{Users}99999/set_password/", Json.Content(new { password = "x" }), Ct))
            .AssertJsonAsync(404, """{"detail": "No User matches the given query."}""");
        await (await (await app.AsTokenAsync(viewer)).PostAsync($"{Users}{target.Id}/set_password/", Json.Content(new { password = "x" }), Ct))
            .AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
        await (await app.Anonymous().PostAsync($"{Users}{target.Id}/set_password/", Json.Content(new { password = "x" }), Ct))
            .AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
        Assert.Equal(0, await app.EventCountAsync("password_set"));
        Assert.True(PasswordHasher.Verify("password", (await app.ReloadAsync(target)).Password));
    }

    [Theory, Providers]
    public async Task SetPasswordHashStoresADjangoHashAsIs(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var target = await app.CreateUserAsync("target");
        var (browser, _) = await app.AsSessionAsync(target);
        var client = await app.AsTokenAsync(admin);
        const string hash = "pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=";

        await (await client.PostAsync($"{Users}{target.Id}/set_password_hash/", Json.Content(new { password = "md5$seasalt$3f86d0d3d465b7b458c231bf3555c0e3" }), Ct))
            .AssertJsonAsync(400, """{"password": ["Invalid password hash format. Must be a valid Django password hash."]}""");
        await (await client.PostAsync($"{Users}{target.Id}/set_password_hash/", Json.Content(new { }), Ct))
            .AssertJsonAsync(400, """{"password": ["This field is required."]}""");
        Assert.True(PasswordHasher.Verify("password", (await app.ReloadAsync(target)).Password));

        var viewer = await app.CreateUserAsync("viewer");
        await app.GrantAsync(viewer, "authentik_core.view_user");
        await (await (await app.AsTokenAsync(viewer)).PostAsync($"{Users}{target.Id}/set_password_hash/", Json.Content(new { password = hash }), Ct))
            .AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
        await (await client.PostAsync($"{Users}99999/set_password_hash/", Json.Content(new { password = hash }), Ct))
            .AssertJsonAsync(404, """{"detail": "No User matches the given query."}""");

        var response = await client.PostAsync($"{Users}{target.Id}/set_password_hash/", Json.Content(new { password = hash }), Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var updated = await app.ReloadAsync(target);
        Assert.Equal(hash, updated.Password);
        Assert.True(PasswordHasher.Verify("lètmein", updated.Password));
        Assert.Equal(1, await app.EventCountAsync("password_set"));
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(Users + "me/", Ct)).StatusCode);
    }

    [Theory, Providers]
    public async Task ServiceAccountCreatesTheUserItsGroupAndAnAppPassword(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var client = await app.AsTokenAsync(admin);
        var response = await client.PostAsync(Users + "service_account/", Json.Content(new { name = "Build Bot", create_group = true }), Ct);

        var (user, token, group) = await app.WithDbAsync(async db =>
        {
            var u = await db.Users.AsNoTracking().SingleAsync(x => x.Username == "Build Bot");
            return (u, await db.Tokens.AsNoTracking().SingleAsync(t => t.UserId == u.Id),
                await db.Groups.AsNoTracking().Include(g => g.Users).SingleAsync(g => g.Name == "Build Bot"));
        });
        await response.AssertJsonAsync(200, $$"""
            {"username": "Build Bot", "user_uid": "{{Uid(user.Id, await app.InstallIdAsync())}}", "user_pk": {{user.Id}},
             "group_pk": "{{group.Id}}", "token": "{{token.Key}}"}
            """);
        Assert.Equal(UserType.ServiceAccount, user.Type);
        Assert.Equal("goauthentik.io/service-accounts", user.Path);
        Assert.False(PasswordHasher.HasUsablePassword(user.Password));
        AssertJson(user.Attributes, """{"goauthentik.io/user/token-expires": true}""");
        Assert.Equal("service-account-build-bot-password", token.Identifier);
        Assert.Equal(TokenIntent.AppPassword, token.Intent);
        Assert.Equal(60, token.Key.Length);
        Assert.True(token.Expiring);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime.AddDays(360), token.Expires);
        Assert.Equal([user.Id], group.Users.Select(u => u.Id));

        var again = await client.PostAsync(Users + "service_account/", Json.Content(new { name = "Build Bot" }), Ct);
        await again.AssertJsonAsync(400, """{"name": ["This field must be unique."]}""");
    }

    [Theory, Providers]
    public async Task ServiceAccountHonoursExpiryAndNeedsBothAddPermissions(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var creator = await app.CreateUserAsync("creator");
        await app.GrantAsync(creator, "authentik_core.add_user");
        var client = await app.AsTokenAsync(creator);
        await (await client.PostAsync(Users + "service_account/", Json.Content(new { name = "bot" }), Ct))
            .AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");

        await app.GrantAsync(creator, "authentik_core.add_token");
        await (await client.PostAsync(Users + "service_account/", Json.Content(new { }), Ct))
            .AssertJsonAsync(400, """{"name": ["This field is required."]}""");
        await (await client.PostAsync(Users + "service_account/", Json.Content(new { name = "bot", expires = "soon" }), Ct))
            .AssertJsonAsync(400, """{"expires": ["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}""");

        var response = await client.PostAsync(Users + "service_account/",
            Json.Content(new { name = "bot", create_group = true, expiring = false, expires = "2027-01-01T00:00:00Z" }), Ct);
        var body = await response.BodyAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Without add_group no group is created, silently, as in authentik.
        Assert.Null(body["group_pk"]);
        Assert.False(body.AsObject().ContainsKey("group_pk"));
        var token = await app.WithDbAsync(db => db.Tokens.AsNoTracking().SingleAsync(t => t.Identifier == "service-account-bot-password"));
        Assert.False(token.Expiring);
        Assert.Equal(new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc), token.Expires);
        Assert.False(await app.WithDbAsync(db => db.Groups.AnyAsync(g => g.Name == "bot")));
    }
}
