using Microsoft.EntityFrameworkCore;
using Warden.Tests.Infrastructure;
using static Warden.Tests.Core.CoreTestData;

namespace Warden.Tests.Core;

public sealed class CoreEndpointsTests
{
    [Theory, Providers]
    public async Task EveryCoreEndpointRefusesAnonymousCallers(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var bob = await app.CreateUserAsync("bob");
        var (_, key) = await app.AsSessionAsync(bob);
        await app.CreateTokenAsync(bob);
        var token = await app.WithDbAsync(db => db.Tokens.Where(t => t.UserId == bob.Id).Select(t => t.Identifier).SingleAsync());
        var session = await app.WithDbAsync(db => db.AuthenticatedSessions.Where(a => a.SessionKey == key).Select(a => a.Uuid).SingleAsync());
        var client = app.Anonymous();
        (HttpMethod Method, string Path)[] endpoints =
        [
            (HttpMethod.Get, "/api/v3/core/users/"),
            (HttpMethod.Post, "/api/v3/core/users/"),
            (HttpMethod.Get, "/api/v3/core/users/me/"),
            (HttpMethod.Get, "/api/v3/core/users/paths/"),
            (HttpMethod.Post, "/api/v3/core/users/service_account/"),
            (HttpMethod.Get, $"/api/v3/core/users/{bob.Id}/"),
            (HttpMethod.Put, $"/api/v3/core/users/{bob.Id}/"),
            (HttpMethod.Patch, $"/api/v3/core/users/{bob.Id}/"),
            (HttpMethod.Delete, $"/api/v3/core/users/{bob.Id}/"),
            (HttpMethod.Get, $"/api/v3/core/users/{bob.Id}/used_by/"),
            (HttpMethod.Post, $"/api/v3/core/users/{bob.Id}/set_password/"),
            (HttpMethod.Post, $"/api/v3/core/users/{bob.Id}/set_password_hash/"),
            (HttpMethod.Get, "/api/v3/core/tokens/"),
            (HttpMethod.Post, "/api/v3/core/tokens/"),
            (HttpMethod.Get, $"/api/v3/core/tokens/{token}/"),
            (HttpMethod.Put, $"/api/v3/core/tokens/{token}/"),
            (HttpMethod.Patch, $"/api/v3/core/tokens/{token}/"),
            (HttpMethod.Delete, $"/api/v3/core/tokens/{token}/"),
            (HttpMethod.Get, $"/api/v3/core/tokens/{token}/view_key/"),
            (HttpMethod.Post, $"/api/v3/core/tokens/{token}/set_key/"),
            (HttpMethod.Get, $"/api/v3/core/tokens/{token}/used_by/"),
            (HttpMethod.Get, "/api/v3/core/authenticated_sessions/"),
            (HttpMethod.Delete, $"/api/v3/core/authenticated_sessions/bulk_delete/?user_pks={bob.Id}"),
            (HttpMethod.Get, $"/api/v3/core/authenticated_sessions/{session}/"),
            (HttpMethod.Delete, $"/api/v3/core/authenticated_sessions/{session}/"),
            (HttpMethod.Get, $"/api/v3/core/authenticated_sessions/{session}/used_by/"),
        ];
        foreach (var (method, path) in endpoints)
        {
            using var request = new HttpRequestMessage(method, path);
            if (method != HttpMethod.Get && method != HttpMethod.Delete)
            {
                request.Content = Json.Content(new { password = "x", key = "x", name = "x", username = "x", identifier = "x" });
            }
            var response = await client.SendAsync(request, Ct);
            await response.AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
        }
        Assert.True(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.SessionKey == key)));
        Assert.True(await app.WithDbAsync(db => db.Tokens.AnyAsync(t => t.Identifier == token)));
        Assert.True(PasswordHasherVerify(await app.ReloadAsync(bob)));
    }

    private static bool PasswordHasherVerify(Warden.Core.User user) => Warden.Core.PasswordHasher.Verify("password", user.Password);
}
