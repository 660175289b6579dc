using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Rbac;
using Warden.Tests.Infrastructure;
using Warden.Tests.Rbac;

namespace Warden.Tests.Faults;

/// <summary>
/// Each input that once made the server answer 500 (found by <see cref="HostileInputTests"/>), pinned to the 4xx it
/// gets now and to the database it leaves unchanged.
/// </summary>
public sealed class HostileInputRegressionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string NullCharacters = "Null characters are not allowed.";

    private static async Task<(TestApp App, HttpClient Client)> StartAsync(string provider)
    {
        var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        // The licence status records usage on its first computation (then every eight hours): bookkeeping any request
        // does, not a change made by the request under test, so it is done before the database is compared.
        await TestLicenses.SummaryAsync(app);
        return (app, client);
    }

    [Theory, Providers]
    public async Task ABodyWithARepeatedKeyIsReadWithItsLastValue(string provider)
    {
        var (app, client) = await StartAsync(provider);
        await using var _ = app;
        var response = await client.PostAsync("/api/v3/rbac/roles/", Json.Raw("""{"name": "first", "name": "second"}"""), Ct);
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal("second", (await response.BodyAsync())["name"]!.GetValue<string>());
        await (await client.PatchAsync($"/api/v3/core/users/{(await app.CreateUserAsync()).Id}/", Json.Raw("""{"is_active": null, "is_active": 5}"""), Ct))
            .AssertJsonAsync(400, """{"is_active": ["Must be a valid boolean."]}""");
    }

    [Theory, Providers]
    public async Task AGroupAttributesFilterWithARepeatedKeyUsesItsLastValue(string provider)
    {
        var (app, client) = await StartAsync(provider);
        await using var _ = app;
        var group = await app.CreateGroupAsync("attrs-group", attributes: new JsonObject { ["a"] = 2 });
        var response = await client.GetAsync("/api/v3/core/groups/?attributes=" + Uri.EscapeDataString("""{"a": 1, "a": 2}"""), Ct);
        Assert.Equal(200, (int)response.StatusCode);
        var results = (await response.BodyAsync())["results"]!.AsArray();
        Assert.Equal(group.Id.ToString(), Assert.Single(results)!["pk"]!.GetValue<string>());
    }

    [Theory, Providers]
    public async Task ANullCharacterInABodyStringIsAFieldErrorAndNothingIsSaved(string provider)
    {
        var (app, client) = await StartAsync(provider);
        await using var _ = app;
        var before = await DatabaseFingerprint.TakeAsync(app);
        await (await client.PostAsync("/api/v3/core/users/service_account/", Json.Raw("""{"name": "a\u0000b"}"""), Ct))
            .AssertJsonAsync(400, $$"""{"name": ["{{NullCharacters}}"]}""");
        await (await client.PostAsync("/api/v3/enterprise/license/", Json.Raw("""{"key": "\u0000"}"""), Ct))
            .AssertJsonAsync(400, $$"""{"key": ["{{NullCharacters}}"]}""");
        await (await client.PostAsync("/api/v3/core/groups/", Json.Raw("""{"name": "g", "name": "x\u0000"}"""), Ct))
            .AssertJsonAsync(400, $$"""{"name": ["{{NullCharacters}}"]}""");
        var changed = before.Difference(await DatabaseFingerprint.TakeAsync(app));
        Assert.True(changed is null, changed);
    }

    [Theory, Providers]
    public async Task ANullCharacterInAFilterOrSearchIsRefused(string provider)
    {
        var (app, client) = await StartAsync(provider);
        await using var _ = app;
        await (await client.GetAsync("/api/v3/core/users/?username=a%00", Ct)).AssertJsonAsync(400, $$"""{"username": ["{{NullCharacters}}"]}""");
        await (await client.GetAsync("/api/v3/core/users/?search=a%00", Ct)).AssertJsonAsync(400, $$"""{"search": ["{{NullCharacters}}"]}""");
    }

    [Theory, Providers]
    public async Task AnIndexedValueTooLongForTheIndexIsAFieldErrorAndNothingIsSaved(string provider)
    {
        var (app, client) = await StartAsync(provider);
        await using var _ = app;
        var role = await app.CreateRoleAsync("indexed-role");
        var user = await app.CreateUserAsync();
        await app.CreateTokenAsync(user);
        var token = await app.WithDbAsync(db => db.Tokens.Where(t => t.UserId == user.Id).Select(t => t.Identifier).SingleAsync());
        var before = await DatabaseFingerprint.TakeAsync(app);
        var huge = new string('x', 2049);
        const string tooLong = """["Ensure this field has no more than 2048 bytes."]""";

        await (await client.PostAsync("/api/v3/rbac/roles/", Json.Content(new { name = huge }), Ct)).AssertJsonAsync(400, $$"""{"name": {{tooLong}}}""");
        // Multi-byte characters count by their UTF-8 size, which is what the index stores.
        await (await client.PatchAsync($"/api/v3/rbac/roles/{role.Id}/", Json.Content(new { name = new string('é', 1025) }), Ct))
            .AssertJsonAsync(400, $$"""{"name": {{tooLong}}}""");
        await (await client.PostAsync("/api/v3/core/groups/", Json.Content(new { name = huge }), Ct)).AssertJsonAsync(400, $$"""{"name": {{tooLong}}}""");
        await (await client.PostAsync($"/api/v3/core/tokens/{token}/set_key/", Json.Content(new { key = huge }), Ct)).AssertJsonAsync(400, $$"""{"key": {{tooLong}}}""");
        await (await client.PostAsync("/api/v3/core/tokens/", Json.Content(new { identifier = "t-huge", managed = huge }), Ct))
            .AssertJsonAsync(400, $$"""{"managed": {{tooLong}}}""");
        await (await client.PostAsync($"/api/v3/rbac/permissions/assigned_by_roles/{role.Id}/assign/",
            Json.Content(new { permissions = new[] { "authentik_core.view_user" }, model = "authentik_core.user", object_pk = huge }), Ct))
            .AssertJsonAsync(400, $$"""{"object_pk": {{tooLong}}}""");
        var changed = before.Difference(await DatabaseFingerprint.TakeAsync(app));
        Assert.True(changed is null, changed);

        // The limit itself is accepted on both providers.
        var longest = await client.PostAsync("/api/v3/rbac/roles/", Json.Content(new { name = new string('x', 2048) }), Ct);
        Assert.Equal(201, (int)longest.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Set<Role>().AnyAsync(r => r.Name.Length == 2048)));
    }
}
