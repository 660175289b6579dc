using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Tests.Infrastructure;
using static Warden.Tests.Core.CoreTestData;

namespace Warden.Tests.Core;

public sealed class TokensApiTests
{
    private const string Tokens = "/api/v3/core/tokens/";

    private static async Task<JsonObject> TokenJsonAsync(TestApp app, string identifier)
    {
        var token = await app.WithDbAsync(db => db.Tokens.AsNoTracking().SingleAsync(t => t.Identifier == identifier));
        var owner = await app.WithDbAsync(db => db.Users.AsNoTracking().Include(u => u.Groups).Include(u => u.Roles).SingleAsync(u => u.Id == token.UserId));
        return new JsonObject
        {
            ["pk"] = token.Id.ToString(),
            ["managed"] = token.Managed,
            ["identifier"] = token.Identifier,
            ["intent"] = token.Intent.ToApi(),
            ["user"] = token.UserId,
            ["user_obj"] = UserJson(owner, await app.InstallIdAsync()),
            ["description"] = token.Description,
            ["expires"] = token.Expires is { } e ? DrfDate(e) : null,
            ["expiring"] = token.Expiring,
        };
    }

    private static HttpClient WithKey(TestApp app, string key)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Theory, Providers]
    public async Task AUserCreatesItsOwnApiTokenThatExpiresInADay(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var plain = await app.CreateUserAsync("plain");
        var other = await app.CreateUserAsync("other");
        var client = await app.AsTokenAsync(plain);

        var response = await client.PostAsync(Tokens, Json.Content(new
        {
            identifier = "my-token",
            description = "for scripts",
            user = other.Id,
            expires = "2030-01-01T00:00:00Z",
            expiring = false,
        }), Ct);
        var token = await app.WithDbAsync(db => db.Tokens.AsNoTracking().SingleAsync(t => t.Identifier == "my-token"));
        // A non-superuser's token is its own, expiring as its account says, and an API token's expiry is fixed.
        Assert.Equal(plain.Id, token.UserId);
        Assert.True(token.Expiring);
        Assert.Equal(TokenIntent.Api, token.Intent);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime.AddDays(1), token.Expires);
        Assert.Equal(60, token.Key.Length);
        var expected = await TokenJsonAsync(app, "my-token");
        Assert.Equal("2026-11-26T12:00:00Z", (string)expected["expires"]!);
        await response.AssertJsonAsync(201, expected.ToJsonString());

        // The new key authenticates, and its owner may read it back.
        Assert.Equal(HttpStatusCode.OK, (await WithKey(app, token.Key).GetAsync("/api/v3/core/users/me/", Ct)).StatusCode);
        await (await client.GetAsync($"{Tokens}my-token/view_key/", Ct)).AssertJsonAsync(200, $$"""{"key": "{{token.Key}}"}""");
    }

    [Theory, Providers]
    public async Task ViewKeyRecordsASecretViewEvent(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true, email: "root@example.test");
        var client = await app.AsTokenAsync(admin);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync(Tokens, Json.Content(new { identifier = "ci" }), Ct)).StatusCode);
        var token = await app.WithDbAsync(db => db.Tokens.AsNoTracking().SingleAsync(t => t.Identifier == "ci"));

        await (await client.GetAsync($"{Tokens}ci/view_key/", Ct)).AssertJsonAsync(200, $$"""{"key": "{{token.Key}}"}""");
        var evt = await app.LastEventAsync("secret_view");
        Assert.Equal("authentik.core.api.tokens", evt.App);
        AssertJson(evt.User, $$"""{"pk": {{admin.Id}}, "username": "root", "email": "root@example.test"}""");
        AssertJson(evt.Context["secret"], $$"""
            {"app": "authentik_core", "model_name": "token", "pk": "{{token.Id:N}}", "name": "ci (expires=2026-11-26 12:00:00+00:00)"}
            """);
        Assert.DoesNotContain(token.Key, evt.Context.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory, Providers]
    public async Task CreateValidatesLikeAuthentiksSerializer(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var client = await app.AsTokenAsync(admin);
        await app.CreateTokenAsync(admin);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync(Tokens, Json.Content(new { identifier = "taken", managed = "goauthentik.io/x" }), Ct)).StatusCode);

        async Task ExpectAsync(object body, string errors) =>
            await (await client.PostAsync(Tokens, Json.Content(body), Ct)).AssertJsonAsync(400, errors);

        await ExpectAsync(new { }, """{"identifier": ["This field is required."]}""");
        await ExpectAsync(new { identifier = "has space" },
            """{"identifier": ["Enter a valid \"slug\" consisting of letters, numbers, underscores or hyphens."]}""");
        await ExpectAsync(new { identifier = new string('a', 256) }, """{"identifier": ["Ensure this field has no more than 255 characters."]}""");
        await ExpectAsync(new { identifier = "taken" }, """{"identifier": ["Token with this identifier already exists."]}""");
        await ExpectAsync(new { identifier = "new", managed = "goauthentik.io/x" }, """{"managed": ["Token with this Managed by authentik already exists."]}""");
        await ExpectAsync(new { identifier = "new", intent = "verification" }, """{"intent": ["Invalid intent verification"]}""");
        await ExpectAsync(new { identifier = "new", intent = "magic" }, """{"intent": ["\"magic\" is not a valid choice."]}""");
        await ExpectAsync(new { identifier = "new", user = 99999 }, """{"user": ["Invalid pk \"99999\" - object does not exist."]}""");
        var anonymousId = await app.WithDbAsync(db => db.Users.Where(u => u.Username == "AnonymousUser").Select(u => u.Id).SingleAsync());
        await ExpectAsync(new { identifier = "new", user = anonymousId }, $$"""{"user": ["Invalid pk \"{{anonymousId}}\" - object does not exist."]}""");
        await ExpectAsync(new { identifier = "new", intent = "app_password", expires = "2026-11-27T12:00:00Z" },
            """{"expires": ["Token expires exceeds maximum lifetime (2026-11-26 12:00:00+00:00 UTC)."]}""");
        Assert.False(await app.WithDbAsync(db => db.Tokens.AnyAsync(t => t.Identifier == "new")));
    }

    [Theory, Providers]
    public async Task AppPasswordLifetimeFollowsTheUsersAttributes(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var bob = await app.CreateUserAsync("bob");
        await app.CreateGroupAsync("long-lived", false, bob);
        await app.WithDbAsync(db => db.Groups.Where(g => g.Name == "long-lived").ExecuteUpdateAsync(
            s => s.SetProperty(g => g.Attributes, new JsonObject { ["goauthentik.io/user/token-maximum-lifetime"] = "days=30" }), Ct));
        var client = await app.AsTokenAsync(admin);

        var ok = await client.PostAsync(Tokens, Json.Content(new { identifier = "bob-app", intent = "app_password", user = bob.Id, expires = "2026-12-20T00:00:00Z" }), Ct);
        var expected = await TokenJsonAsync(app, "bob-app");
        Assert.Equal(bob.Id, (int)expected["user"]!);
        Assert.Equal("2026-12-20T00:00:00Z", (string)expected["expires"]!);
        await ok.AssertJsonAsync(201, expected.ToJsonString());

        await (await client.PostAsync(Tokens, Json.Content(new { identifier = "bob-app-2", intent = "app_password", user = bob.Id, expires = "2027-01-01T00:00:00Z" }), Ct))
            .AssertJsonAsync(400, """{"expires": ["Token expires exceeds maximum lifetime (2026-12-25 12:00:00+00:00 UTC)."]}""");
    }

    [Theory, Providers]
    public async Task UsersListTheirOwnTokensAndViewersListAll(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var alice = await app.CreateUserAsync("alice");
        var bob = await app.CreateUserAsync("bob");
        var viewer = await app.CreateUserAsync("viewer");
        await app.GrantAsync(viewer, "authentik_core.view_token");
        await app.WithDbAsync(async db =>
        {
            db.Tokens.Add(new Token { Identifier = "alice-api", Key = "k1", Intent = TokenIntent.Api, UserId = alice.Id, Description = "nightly" });
            db.Tokens.Add(new Token { Identifier = "alice-app", Key = "k2", Intent = TokenIntent.AppPassword, UserId = alice.Id, Expiring = false });
            db.Tokens.Add(new Token { Identifier = "bob-api", Key = "k3", Intent = TokenIntent.Api, UserId = bob.Id });
            await db.SaveChangesAsync();
        });

        async Task<List<string>> ListAsync(HttpClient client, string query = "")
        {
            var response = await client.GetAsync(Tokens + "?include_groups=false&" + query, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.BodyAsync())["results"]!.AsArray().Select(t => (string)t!["identifier"]!).Where(i => !i.StartsWith("token-", StringComparison.Ordinal)).ToList();
        }

        var aliceClient = await app.AsTokenAsync(alice);
        Assert.Equal(["alice-api", "alice-app"], await ListAsync(aliceClient));
        var viewerClient = await app.AsTokenAsync(viewer);
        Assert.Equal(["alice-api", "alice-app", "bob-api"], await ListAsync(viewerClient));
        Assert.Equal(["alice-app"], await ListAsync(viewerClient, "intent=app_password"));
        Assert.Equal(["bob-api"], await ListAsync(viewerClient, "user__username=bob"));
        Assert.Equal(["alice-api"], await ListAsync(viewerClient, "search=NIGHT"));
        Assert.Equal(["alice-app"], await ListAsync(viewerClient, "search=app_pass"));
        Assert.Equal(["alice-app"], await ListAsync(viewerClient, "expiring=false"));
        Assert.Equal(["bob-api", "alice-app", "alice-api"], await ListAsync(viewerClient, "ordering=-identifier"));
        await (await viewerClient.GetAsync(Tokens + "?intent=magic", Ct))
            .AssertJsonAsync(400, """{"intent": ["Select a valid choice. magic is not one of the available choices."]}""");
        await (await app.Anonymous().GetAsync(Tokens, Ct)).AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
    }

    [Theory, Providers]
    public async Task AnotherUsersTokenIsNotFound(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var alice = await app.CreateUserAsync("alice");
        var bob = await app.CreateUserAsync("bob");
        await app.WithDbAsync(async db =>
        {
            db.Tokens.Add(new Token { Identifier = "bob-api", Key = "k3", Intent = TokenIntent.Api, UserId = bob.Id });
            await db.SaveChangesAsync();
        });
        var client = await app.AsTokenAsync(alice);
        const string notFound = """{"detail": "No Token matches the given query."}""";
        await (await client.GetAsync($"{Tokens}bob-api/", Ct)).AssertJsonAsync(404, notFound);
        await (await client.PatchAsync($"{Tokens}bob-api/", Json.Content(new { description = "x" }), Ct)).AssertJsonAsync(404, notFound);
        await (await client.DeleteAsync($"{Tokens}bob-api/", Ct)).AssertJsonAsync(404, notFound);
        await (await client.GetAsync($"{Tokens}bob-api/view_key/", Ct)).AssertJsonAsync(404, notFound);
        await (await client.PostAsync($"{Tokens}bob-api/set_key/", Json.Content(new { key = "x" }), Ct)).AssertJsonAsync(404, notFound);
        await (await client.GetAsync($"{Tokens}nope/", Ct)).AssertJsonAsync(404, notFound);
        Assert.True(await app.WithDbAsync(db => db.Tokens.AnyAsync(t => t.Identifier == "bob-api" && t.Key == "k3")));
    }

    [Theory, Providers]
    public async Task UpdatingAnApiTokenResetsItsExpiryAndNeverChangesItsUser(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var bob = await app.CreateUserAsync("bob");
        await app.WithDbAsync(async db =>
        {
            db.Tokens.Add(new Token { Identifier = "bob-api", Key = "k3", Intent = TokenIntent.Api, UserId = bob.Id, Expires = app.Clock.GetUtcNow().UtcDateTime.AddHours(1) });
            await db.SaveChangesAsync();
        });
        app.Clock.Advance(TimeSpan.FromHours(3));
        var client = await app.AsTokenAsync(admin);

        var response = await client.PatchAsync($"{Tokens}bob-api/", Json.Content(new { description = "renewed" }), Ct);
        var expected = await TokenJsonAsync(app, "bob-api");
        Assert.Equal("2026-11-26T15:00:00Z", (string)expected["expires"]!);
        Assert.Equal(bob.Id, (int)expected["user"]!);
        Assert.Equal("renewed", (string)expected["description"]!);
        await response.AssertJsonAsync(200, expected.ToJsonString());

        await (await client.PatchAsync($"{Tokens}bob-api/", Json.Content(new { user = admin.Id }), Ct))
            .AssertJsonAsync(400, """{"user": ["User cannot be changed"]}""");
        await (await client.PutAsync($"{Tokens}bob-api/", Json.Content(new { description = "x" }), Ct))
            .AssertJsonAsync(400, """{"identifier": ["This field is required."]}""");
        var put = await client.PutAsync($"{Tokens}bob-api/", Json.Content(new { identifier = "bob-api-2" }), Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Tokens.AnyAsync(t => t.Identifier == "bob-api-2" && t.UserId == bob.Id && t.Description == "renewed")));
    }

    [Theory, Providers]
    public async Task ChangingOrDeletingAnotherUsersTokenNeedsThePermission(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var viewer = await app.CreateUserAsync("viewer");
        var bob = await app.CreateUserAsync("bob");
        await app.GrantAsync(viewer, "authentik_core.view_token");
        await app.WithDbAsync(async db =>
        {
            db.Tokens.Add(new Token { Identifier = "bob-api", Key = "k3", Intent = TokenIntent.Api, UserId = bob.Id });
            await db.SaveChangesAsync();
        });
        var client = await app.AsTokenAsync(viewer);
        const string denied = """{"detail": "You do not have permission to perform this action."}""";
        await (await client.PatchAsync($"{Tokens}bob-api/", Json.Content(new { description = "x" }), Ct)).AssertJsonAsync(403, denied);
        await (await client.DeleteAsync($"{Tokens}bob-api/", Ct)).AssertJsonAsync(403, denied);
        await (await client.GetAsync($"{Tokens}bob-api/view_key/", Ct)).AssertJsonAsync(403, denied);
        await (await client.PostAsync($"{Tokens}bob-api/set_key/", Json.Content(new { key = "x" }), Ct)).AssertJsonAsync(403, denied);

        var token = await app.WithDbAsync(db => db.Tokens.SingleAsync(t => t.Identifier == "bob-api"));
        await app.GrantAsync(viewer, "authentik_core.delete_token", token.Id.ToString());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{Tokens}bob-api/", Ct)).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Tokens.AnyAsync(t => t.Identifier == "bob-api")));
    }

    [Theory, Providers]
    public async Task ARevokedTokenIsRefusedOnTheNextRequest(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var bob = await app.CreateUserAsync("bob");
        var client = await app.AsTokenAsync(bob);
        var identifier = await app.WithDbAsync(db => db.Tokens.Where(t => t.UserId == bob.Id).Select(t => t.Identifier).SingleAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v3/core/users/me/", Ct)).StatusCode);

        var response = await client.DeleteAsync($"{Tokens}{identifier}/", Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await client.GetAsync("/api/v3/core/users/me/", Ct)).AssertJsonAsync(403, """{"detail": "Token invalid/expired"}""");
    }

    [Theory, Providers]
    public async Task ExpiredTokensAndTokensOfDeactivatedUsersAreRefused(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var bob = await app.CreateUserAsync("bob");
        var expiring = WithKey(app, await app.CreateTokenAsync(bob, expires: app.Clock.GetUtcNow().UtcDateTime.AddMinutes(10)));
        var lasting = await app.AsTokenAsync(bob);
        Assert.Equal(HttpStatusCode.OK, (await expiring.GetAsync("/api/v3/core/users/me/", Ct)).StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await (await expiring.GetAsync("/api/v3/core/users/me/", Ct)).AssertJsonAsync(403, """{"detail": "Token invalid/expired"}""");
        Assert.Equal(HttpStatusCode.OK, (await lasting.GetAsync("/api/v3/core/users/me/", Ct)).StatusCode);

        await app.WithDbAsync(db => db.Users.Where(u => u.Id == bob.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false), Ct));
        await (await lasting.GetAsync("/api/v3/core/users/me/", Ct)).AssertJsonAsync(403, """{"detail": "Token invalid/expired"}""");
    }

    [Theory, Providers]
    public async Task ATokenCreatedForAUserByAnAdminIsNotReadableByThatUser(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var bob = await app.CreateUserAsync("bob");
        var created = await (await app.AsTokenAsync(admin)).PostAsync(Tokens, Json.Content(new { identifier = "for-bob", user = bob.Id }), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var bobClient = await app.AsTokenAsync(bob);
        Assert.Equal(HttpStatusCode.OK, (await bobClient.GetAsync($"{Tokens}for-bob/", Ct)).StatusCode);
        await (await bobClient.GetAsync($"{Tokens}for-bob/view_key/", Ct))
            .AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
        await (await app.Anonymous().GetAsync($"{Tokens}for-bob/view_key/", Ct))
            .AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
        Assert.Equal(0, await app.EventCountAsync("secret_view"));
    }

    [Theory, Providers]
    public async Task SetKeyReplacesTheKey(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var bob = await app.CreateUserAsync("bob");
        var oldKey = await app.CreateTokenAsync(bob);
        var identifier = await app.WithDbAsync(db => db.Tokens.Where(t => t.UserId == bob.Id).Select(t => t.Identifier).SingleAsync());
        var adminClient = await app.AsTokenAsync(admin);

        await (await adminClient.PostAsync($"{Tokens}{identifier}/set_key/", Json.Content(new { }), Ct))
            .AssertJsonAsync(400, """{"key": ["This field is required."]}""");
        await (await adminClient.PostAsync($"{Tokens}{identifier}/set_key/", Json.Content(new { key = " " }), Ct))
            .AssertJsonAsync(400, """{"key": ["This field may not be blank."]}""");
        await (await (await app.AsTokenAsync(bob)).PostAsync($"{Tokens}{identifier}/set_key/", Json.Content(new { key = "mine" }), Ct))
            .AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");

        var newKey = new string('z', 200);
        var response = await adminClient.PostAsync($"{Tokens}{identifier}/set_key/", Json.Content(new { key = newKey }), Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await WithKey(app, oldKey).GetAsync("/api/v3/core/users/me/", Ct)).AssertJsonAsync(403, """{"detail": "Token invalid/expired"}""");
        Assert.Equal(HttpStatusCode.OK, (await WithKey(app, newKey).GetAsync("/api/v3/core/users/me/", Ct)).StatusCode);
    }

    [Theory, Providers]
    public async Task UsedByListsNothingForAnExistingToken(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var bob = await app.CreateUserAsync("bob");
        var client = await app.AsTokenAsync(bob);
        var identifier = await app.WithDbAsync(db => db.Tokens.Where(t => t.UserId == bob.Id).Select(t => t.Identifier).SingleAsync());
        await (await client.GetAsync($"{Tokens}{identifier}/used_by/", Ct)).AssertJsonAsync(200, "[]");
        await (await client.GetAsync($"{Tokens}nope/used_by/", Ct)).AssertJsonAsync(404, """{"detail": "No Token matches the given query."}""");
    }
}
