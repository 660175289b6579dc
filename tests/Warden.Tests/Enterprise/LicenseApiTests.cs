using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Warden.Core;
using Warden.Enterprise;
using Warden.Events;
using Warden.Rbac;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Enterprise;

public sealed class LicenseApiTests
{
    private const string Base = "/api/v3/enterprise/license/";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, Providers]
    public async Task SuperuserInstallsAValidKeyAndItsClaimsAreStored(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var client = await app.AsTokenAsync(admin);
        var expires = new DateTimeOffset(2027, 6, 30, 8, 0, 0, TimeSpan.Zero);
        var key = await TestLicenses.IssueAsync(app, "Acme", 25, 300, expires, ["trial"]);

        var response = await client.PostAsync(Base, Json.Content(new { key }), Ct);

        var license = await app.WithDbAsync(db => db.Set<License>().SingleAsync());
        await response.AssertJsonAsync(201, $$"""
            {"license_uuid": "{{license.Id}}", "name": "Acme", "key": "{{key}}", "expiry": "2027-06-30T08:00:00Z",
             "internal_users": 25, "external_users": 300}
            """);
        Assert.Equal(("Acme", key, expires.UtcDateTime, 25L, 300L),
            (license.Name, license.Key, license.Expiry, license.InternalUsers, license.ExternalUsers));
        var created = await app.WithDbAsync(db => db.Set<Event>().SingleAsync(e => e.Action == EventActions.ModelCreated));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            {"app": "authentik_enterprise", "model_name": "license", "pk": "{{license.Id:N}}", "name": "Acme"}
            """), created.Context["model"]));
        Assert.Equal(admin.Username, created.User["username"]!.GetValue<string>());
        Assert.Equal("valid", (await TestLicenses.SummaryAsync(app)).Status);
    }

    [Theory, Providers]
    public async Task KeySignedByAnUntrustedKeyIsRefused(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var key = await TestLicenses.IssueAsync(app, signerPem: TestLicenses.UntrustedPrivateKeyPem());
        await AssertRefusedAsync(app, key, "Unable to verify license");
    }

    [Theory, Providers]
    public async Task WithoutTrustedPublicKeysNoKeyIsAccepted(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var key = await TestLicenses.IssueAsync(app);
        await AssertRefusedAsync(app, key, "Unable to verify license");
    }

    [Theory, Providers]
    public async Task MalformedKeysAreRefused(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var good = await TestLicenses.IssueAsync(app);
        var parts = good.Split('.');
        await AssertRefusedAsync(app, "not-a-licence", "Unable to verify license");
        await AssertRefusedAsync(app, "a.b.c", "Unable to verify license");
        await AssertRefusedAsync(app, parts[0] + "." + parts[1] + ".", "Unable to verify license");
        // A valid signature over a changed payload does not verify.
        var tampered = parts[0] + "." + Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("100", "999", StringComparison.Ordinal)) + "." + parts[2];
        await AssertRefusedAsync(app, tampered, "Unable to verify license");
    }

    [Theory, Providers]
    public async Task KeyWithAnotherAlgorithmOrCurveIsRefused(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var audience = await app.Service<InstallIds>().AudienceAsync();
        var es256 = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(p256), SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                ["aud"] = audience, ["exp"] = app.Clock.GetUtcNow().AddYears(1).ToUnixTimeSeconds(), ["name"] = "x",
            },
        });
        await AssertRefusedAsync(app, es256, "Unable to verify license");
        var unsigned = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
            """{"aud": "x", "exp": 9999999999, "name": "x"}""");
        await AssertRefusedAsync(app, unsigned, "Unable to verify license");
    }

    [Theory, Providers]
    public async Task ExpiredKeyIsRefused(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var now = app.Clock.GetUtcNow();
        await AssertRefusedAsync(app, await TestLicenses.IssueAsync(app, expires: now.AddDays(-1)), "Unable to verify license");
        // PyJWT's rule: a key whose exp is this very second has expired.
        await AssertRefusedAsync(app, await TestLicenses.IssueAsync(app, expires: now), "Unable to verify license");
    }

    [Theory, Providers]
    public async Task KeyForAnotherInstallationIsRefused(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var key = await TestLicenses.IssueAsync(app, installId: Guid.NewGuid().ToString());
        await AssertRefusedAsync(app, key, "Invalid Install ID in license");
        // Expired as well: the install id is reported first, as authentik does.
        var both = await TestLicenses.IssueAsync(app, installId: Guid.NewGuid().ToString(), expires: app.Clock.GetUtcNow().AddDays(-1));
        await AssertRefusedAsync(app, both, "Invalid Install ID in license");
    }

    [Theory, Providers]
    public async Task KeyWithMissingOrMistypedClaimsIsRefused(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var audience = await app.Service<InstallIds>().AudienceAsync();
        var exp = app.Clock.GetUtcNow().AddYears(1).ToUnixTimeSeconds();
        foreach (var claims in new[]
        {
            new Dictionary<string, object> { ["aud"] = audience, ["exp"] = exp },
            new Dictionary<string, object> { ["aud"] = audience, ["name"] = "no expiry" },
            new Dictionary<string, object> { ["aud"] = audience, ["exp"] = exp, ["name"] = "x", ["internal_users"] = "many" },
            new Dictionary<string, object> { ["aud"] = audience, ["exp"] = exp, ["name"] = "x", ["external_users"] = 3_000_000_000L },
            new Dictionary<string, object> { ["aud"] = audience, ["exp"] = exp, ["name"] = "x", ["internal_users"] = -1 },
            new Dictionary<string, object> { ["aud"] = audience, ["exp"] = exp, ["name"] = "x", ["license_flags"] = new[] { "unlimited" } },
            new Dictionary<string, object> { ["aud"] = audience, ["exp"] = exp, ["name"] = "x", ["nbf"] = exp },
        })
        {
            await AssertRefusedAsync(app, Sign(claims), "Unable to verify license");
        }
    }

    [Theory, Providers]
    public async Task TheSameKeyCannotBeInstalledTwice(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        var key = await TestLicenses.IssueAsync(app);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync(Base, Json.Content(new { key }), Ct)).StatusCode);

        var response = await client.PostAsync(Base, Json.Content(new { key }), Ct);

        await response.AssertJsonAsync(400, """{"key": ["This field must be unique."]}""");
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<License>().CountAsync()));
    }

    [Theory, Providers]
    public async Task KeyIsRequiredAndNotBlank(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        await (await client.PostAsync(Base, Json.Content(new { }), Ct)).AssertJsonAsync(400, """{"key": ["This field is required."]}""");
        await (await client.PostAsync(Base, Json.Content(new { key = " " }), Ct)).AssertJsonAsync(400, """{"key": ["This field may not be blank."]}""");
        await (await client.PostAsync(Base, Json.Content(new { key = (string?)null }), Ct)).AssertJsonAsync(400, """{"key": ["This field may not be null."]}""");
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<License>().CountAsync()));
    }

    [Theory, Providers]
    public async Task ListRetrieveAndUsedByShowInstalledLicences(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        var b = await TestLicenses.InstallAsync(app, "Beta", 5, 6, new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero));
        var a = await TestLicenses.InstallAsync(app, "Alpha", 1, 2, new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));

        var list = await client.GetAsync(Base, Ct);

        await list.AssertJsonAsync(200, $$"""
            {"pagination": {"next": 0, "previous": 0, "count": 2, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 2},
             "results": [
               {"license_uuid": "{{a.Id}}", "name": "Alpha", "key": "{{a.Key}}", "expiry": "2027-01-01T00:00:00Z", "internal_users": 1, "external_users": 2},
               {"license_uuid": "{{b.Id}}", "name": "Beta", "key": "{{b.Key}}", "expiry": "2027-02-01T00:00:00Z", "internal_users": 5, "external_users": 6}],
             "autocomplete": {} }
            """);
        var filtered = await (await client.GetAsync(Base + "?name=Beta", Ct)).BodyAsync();
        Assert.Equal(b.Id.ToString(), filtered["results"]![0]!["license_uuid"]!.GetValue<string>());
        Assert.Equal(1, filtered["pagination"]!["count"]!.GetValue<int>());
        var searched = await (await client.GetAsync(Base + "?search=alp&ordering=-name", Ct)).BodyAsync();
        Assert.Equal(a.Id.ToString(), searched["results"]![0]!["license_uuid"]!.GetValue<string>());
        await (await client.GetAsync($"{Base}{a.Id}/", Ct)).AssertJsonAsync(200, $$"""
            {"license_uuid": "{{a.Id}}", "name": "Alpha", "key": "{{a.Key}}", "expiry": "2027-01-01T00:00:00Z", "internal_users": 1, "external_users": 2}
            """);
        await (await client.GetAsync($"{Base}{a.Id}/used_by/", Ct)).AssertJsonAsync(200, "[]");
    }

    [Theory, Providers]
    public async Task UsedByAnswersAnyAuthenticatedCallerForAnExistingLicence(string provider)
    {
        // authentik's used_by runs without the object filter: no view_license needed, the licence must only exist.
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync());
        var license = await TestLicenses.InstallAsync(app);
        await (await client.GetAsync($"{Base}{license.Id}/used_by/", Ct)).AssertJsonAsync(200, "[]");
        await (await client.GetAsync($"{Base}{Guid.NewGuid()}/used_by/", Ct)).AssertJsonAsync(404, """{"detail": "No License matches the given query."}""");
        await (await client.GetAsync($"{Base}{license.Id}/", Ct)).AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
    }

    [Theory, Providers]
    public async Task UnknownOrMalformedLicenceIdIsNotFound(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        await TestLicenses.InstallAsync(app);
        const string notFound = """{"detail": "No License matches the given query."}""";
        await (await client.GetAsync($"{Base}{Guid.NewGuid()}/", Ct)).AssertJsonAsync(404, notFound);
        await (await client.GetAsync($"{Base}not-a-uuid/", Ct)).AssertJsonAsync(404, notFound);
        await (await client.PatchAsync($"{Base}{Guid.NewGuid()}/", Json.Content(new { }), Ct)).AssertJsonAsync(404, notFound);
        await (await client.DeleteAsync($"{Base}{Guid.NewGuid()}/", Ct)).AssertJsonAsync(404, notFound);
        await (await client.GetAsync($"{Base}{Guid.NewGuid()}/used_by/", Ct)).AssertJsonAsync(404, notFound);
    }

    [Theory, Providers]
    public async Task UpdateReplacesTheKeyAndEverythingReadFromIt(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        var license = await TestLicenses.InstallAsync(app, "Old", 1, 1);
        var key = await TestLicenses.IssueAsync(app, "Renewed", 50, 60, new DateTimeOffset(2028, 1, 1, 0, 0, 0, TimeSpan.Zero));

        var response = await client.PutAsync($"{Base}{license.Id}/", Json.Content(new { key }), Ct);

        await response.AssertJsonAsync(200, $$"""
            {"license_uuid": "{{license.Id}}", "name": "Renewed", "key": "{{key}}", "expiry": "2028-01-01T00:00:00Z", "internal_users": 50, "external_users": 60}
            """);
        var stored = await app.WithDbAsync(db => db.Set<License>().SingleAsync());
        Assert.Equal(("Renewed", 50L, 60L), (stored.Name, stored.InternalUsers, stored.ExternalUsers));
        var updated = await app.WithDbAsync(db => db.Set<Event>().SingleAsync(e => e.Action == EventActions.ModelUpdated));
        Assert.Equal("Renewed", updated.Context["model"]!["name"]!.GetValue<string>());
    }

    [Theory, Providers]
    public async Task RefusedUpdateChangesNothing(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        var license = await TestLicenses.InstallAsync(app, "Kept", 3, 4);
        var foreign = await TestLicenses.IssueAsync(app, "Foreign", installId: Guid.NewGuid().ToString());

        await (await client.PatchAsync($"{Base}{license.Id}/", Json.Content(new { key = foreign }), Ct))
            .AssertJsonAsync(400, """{"key": ["Invalid Install ID in license"]}""");
        await (await client.PutAsync($"{Base}{license.Id}/", Json.Content(new { }), Ct))
            .AssertJsonAsync(400, """{"key": ["This field is required."]}""");

        var stored = await app.WithDbAsync(db => db.Set<License>().SingleAsync());
        Assert.Equal((license.Key, "Kept"), (stored.Key, stored.Name));
        Assert.False(await app.WithDbAsync(db => db.Set<Event>().AnyAsync(e => e.Action == EventActions.ModelUpdated)));
    }

    [Theory, Providers]
    public async Task EmptyPartialUpdateKeepsTheLicence(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        var license = await TestLicenses.InstallAsync(app, "Same", 7, 8, new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero));

        var response = await client.PatchAsync($"{Base}{license.Id}/", Json.Content(new { }), Ct);

        await response.AssertJsonAsync(200, $$"""
            {"license_uuid": "{{license.Id}}", "name": "Same", "key": "{{license.Key}}", "expiry": "2027-03-01T00:00:00Z", "internal_users": 7, "external_users": 8}
            """);
    }

    [Theory, Providers]
    public async Task DeletingTheLastLicenceLeavesTheInstallationUnlicensed(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        var license = await TestLicenses.InstallAsync(app, "Gone");

        var response = await client.DeleteAsync($"{Base}{license.Id}/", Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync(Ct));
        Assert.False(await app.WithDbAsync(db => db.Set<License>().AnyAsync()));
        var deleted = await app.WithDbAsync(db => db.Set<Event>().SingleAsync(e => e.Action == EventActions.ModelDeleted));
        Assert.Equal(license.Id.ToString("N"), deleted.Context["model"]!["pk"]!.GetValue<string>());
        Assert.Equal("unlicensed", (await (await client.GetAsync(Base + "summary/", Ct)).BodyAsync())["status"]!.GetValue<string>());
    }

    [Theory, Providers]
    public async Task AnonymousCallersAreRefused(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var license = await TestLicenses.InstallAsync(app);
        var anonymous = app.Anonymous();
        const string body = """{"detail": "Authentication credentials were not provided."}""";
        await (await anonymous.GetAsync(Base, Ct)).AssertJsonAsync(403, body);
        await (await anonymous.PostAsync(Base, Json.Content(new { key = "x" }), Ct)).AssertJsonAsync(403, body);
        await (await anonymous.GetAsync($"{Base}{license.Id}/", Ct)).AssertJsonAsync(403, body);
        await (await anonymous.DeleteAsync($"{Base}{license.Id}/", Ct)).AssertJsonAsync(403, body);
        await (await anonymous.GetAsync(Base + "summary/", Ct)).AssertJsonAsync(403, body);
        await (await anonymous.GetAsync(Base + "install_id/", Ct)).AssertJsonAsync(403, body);
        await (await anonymous.GetAsync(Base + "forecast/", Ct)).AssertJsonAsync(403, body);
        Assert.True(await app.WithDbAsync(db => db.Set<License>().AnyAsync()));
    }

    [Theory, Providers]
    public async Task UserWithoutPermissionsMayOnlyReadTheSummary(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var license = await TestLicenses.InstallAsync(app);
        var client = await app.AsTokenAsync(await app.CreateUserAsync());
        const string denied = """{"detail": "You do not have permission to perform this action."}""";
        var key = await TestLicenses.IssueAsync(app, "Another");

        await (await client.GetAsync(Base, Ct)).AssertJsonAsync(403, denied);
        await (await client.PostAsync(Base, Json.Content(new { key }), Ct)).AssertJsonAsync(403, denied);
        await (await client.GetAsync($"{Base}{license.Id}/", Ct)).AssertJsonAsync(403, denied);
        await (await client.PatchAsync($"{Base}{license.Id}/", Json.Content(new { key }), Ct)).AssertJsonAsync(403, denied);
        await (await client.DeleteAsync($"{Base}{license.Id}/", Ct)).AssertJsonAsync(403, denied);
        await (await client.GetAsync(Base + "install_id/", Ct)).AssertJsonAsync(403, denied);
        await (await client.GetAsync(Base + "forecast/", Ct)).AssertJsonAsync(403, denied);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Base + "summary/", Ct)).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<License>().CountAsync()));
    }

    [Theory, Providers]
    public async Task ObjectPermissionsScopeWhatAUserSeesAndChanges(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var mine = await TestLicenses.InstallAsync(app, "Mine");
        var other = await TestLicenses.InstallAsync(app, "Other");
        var user = await app.CreateUserAsync();
        await GrantAsync(app, user, LicenseApi.ViewPermission, mine.Id.ToString());
        var client = await app.AsTokenAsync(user);

        var list = await (await client.GetAsync(Base, Ct)).BodyAsync();
        Assert.Equal([mine.Id.ToString()], list["results"]!.AsArray().Select(r => r!["license_uuid"]!.GetValue<string>()));
        await (await client.GetAsync($"{Base}{other.Id}/", Ct)).AssertJsonAsync(404, """{"detail": "No License matches the given query."}""");
        await (await client.PatchAsync($"{Base}{mine.Id}/", Json.Content(new { }), Ct))
            .AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
        await (await client.GetAsync(Base + "install_id/", Ct))
            .AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");

        await GrantAsync(app, user, LicenseApi.ChangePermission, mine.Id.ToString());
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync($"{Base}{mine.Id}/", Json.Content(new { }), Ct)).StatusCode);
        await GrantAsync(app, user, LicenseApi.DeletePermission, mine.Id.ToString());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{Base}{mine.Id}/", Ct)).StatusCode);
    }

    [Theory, Providers]
    public async Task GlobalPermissionsGrantTheirActions(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var user = await app.CreateUserAsync();
        await GrantAsync(app, user, LicenseApi.AddPermission);
        var client = await app.AsTokenAsync(user);

        var created = await client.PostAsync(Base, Json.Content(new { key = await TestLicenses.IssueAsync(app) }), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // Adding does not imply seeing.
        await (await client.GetAsync(Base, Ct)).AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");

        await GrantAsync(app, user, LicenseApi.ViewPermission);
        var list = await (await client.GetAsync(Base, Ct)).BodyAsync();
        Assert.Equal(1, list["pagination"]!["count"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Base + "install_id/", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Base + "forecast/", Ct)).StatusCode);
    }

    [Theory, Providers]
    public async Task InstallIdIsCreatedOnceAtStartAndSharedByEveryNode(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        // Bootstrap creates it: users' uids depend on it from the first request on.
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<InstallId>().CountAsync()));

        var first = (await (await client.GetAsync(Base + "install_id/", Ct)).BodyAsync())["install_id"]!.GetValue<string>();

        var stored = await app.WithDbAsync(db => db.Set<InstallId>().SingleAsync());
        Assert.Equal(stored.Id.ToString(), first);
        await (await client.GetAsync(Base + "install_id/", Ct)).AssertJsonAsync(200, $$"""{"install_id": "{{first}}"}""");
        // Another node: its own memory, the same database.
        var otherNode = new InstallIds(app.Services.GetRequiredService<IServiceScopeFactory>());
        Assert.Equal(first, await otherNode.GetAsync(Ct));
    }

    [Theory, Providers]
    public async Task ForecastCountsUsersAsAuthentikDoes(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        await app.CreateUserAsync(type: UserType.External);
        await app.CreateUserAsync(type: UserType.External, active: false);
        await app.CreateUserAsync(type: UserType.ServiceAccount);

        // Internal: akadmin and the caller; joined in the last 30 days: those two and the anonymous user.
        await (await client.GetAsync(Base + "forecast/", Ct)).AssertJsonAsync(200, """
            {"internal_users": 2, "external_users": 1, "forecasted_internal_users": 36, "forecasted_external_users": 12}
            """);

        app.Clock.Advance(TimeSpan.FromDays(31));
        await app.CreateUserAsync();
        await (await client.GetAsync(Base + "forecast/", Ct)).AssertJsonAsync(200, """
            {"internal_users": 3, "external_users": 1, "forecasted_internal_users": 12, "forecasted_external_users": 12}
            """);
    }

    private static async Task AssertRefusedAsync(TestApp app, string key, string message)
    {
        var admin = await app.CreateUserAsync(superuser: true);
        var client = await app.AsTokenAsync(admin);
        var before = await app.WithDbAsync(db => db.Set<License>().CountAsync());

        var response = await client.PostAsync(Base, Json.Content(new { key }), Ct);

        await response.AssertJsonAsync(400, new JsonObject { ["key"] = new JsonArray(message) }.ToJsonString());
        Assert.Equal(before, await app.WithDbAsync(db => db.Set<License>().CountAsync()));
        Assert.False(await app.WithDbAsync(db => db.Set<Event>().AnyAsync(e => e.Action == EventActions.ModelCreated)));
    }

    private static string Sign(Dictionary<string, object> claims)
    {
        using var signer = LicenseKeys.ImportPrivateKey(TestLicenses.PrivateKeyPem);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            SigningCredentials = new SigningCredentials(
                new ECDsaSecurityKey(signer) { CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } }, SecurityAlgorithms.EcdsaSha512),
            Claims = claims,
        });
    }

    /// <summary>Gives the user a role of its own holding the permission, globally or on one object.</summary>
    internal static Task GrantAsync(TestApp app, User user, string permission, string? objectPk = null) =>
        app.WithDbAsync(async db =>
        {
            var role = new Role { Name = "role-" + Guid.NewGuid().ToString("N") };
            role.Permissions.Add(new RolePermission { Permission = permission, ObjectPk = objectPk });
            db.Set<Role>().Add(role);
            var stored = await db.Users.SingleAsync(u => u.Id == user.Id);
            stored.Roles.Add(role);
            await db.SaveChangesAsync();
        });
}
