using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Api;

public sealed class FoundationTests
{
    [Theory, Providers]
    public async Task RootConfigIsServedAnonymously(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var response = await app.Anonymous().GetAsync("/api/v3/root/config/", TestContext.Current.CancellationToken);
        await response.AssertJsonAsync(200, """
            {"error_reporting": {"enabled": false, "sentry_dsn": "", "environment": "customer", "send_pii": false, "traces_sample_rate": 0},
             "capabilities": [], "cache_timeout": 300, "cache_timeout_flows": 300, "cache_timeout_policies": 300}
            """);
    }

    [Theory, Providers]
    public async Task ReadyChecksTheDatabase(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var response = await app.Anonymous().GetAsync("/-/health/ready/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Theory, Providers]
    public async Task BootstrapRunTwiceLeavesOneAdminAndOneTokenWithTheGivenKey(string provider)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AUTHENTIK_BOOTSTRAP_PASSWORD"] = "s3cret-pass",
            ["AUTHENTIK_BOOTSTRAP_TOKEN"] = "bootstrap-key-123",
            ["AUTHENTIK_BOOTSTRAP_EMAIL"] = "admin@example.test",
        };
        await using var app = await TestApp.StartAsync(provider, settings);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Bootstrap>().RunAsync();
        }
        await app.WithDbAsync(async db =>
        {
            var admins = await db.Users.Include(u => u.Groups).Where(u => u.Username == "akadmin").ToListAsync();
            var admin = Assert.Single(admins);
            Assert.Equal("admin@example.test", admin.Email);
            Assert.True(PasswordHasher.Verify("s3cret-pass", admin.Password));
            Assert.Contains(admin.Groups, g => g.Name == "authentik Admins" && g.IsSuperuser);
            var token = Assert.Single(await db.Tokens.Where(t => t.UserId == admin.Id).ToListAsync());
            Assert.Equal("bootstrap-key-123", token.Key);
            Assert.Equal(TokenIntent.Api, token.Intent);
            Assert.Single(await db.Brands.Where(b => b.Default).ToListAsync());
        });
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "bootstrap-key-123");
        var response = await client.GetAsync("/api/v3/root/config/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory, Providers]
    public async Task WithoutBootstrapPasswordTheAdminHasNoUsablePassword(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.WithDbAsync(db => db.Users.SingleAsync(u => u.Username == "akadmin"));
        Assert.False(PasswordHasher.HasUsablePassword(admin.Password));
    }

    [Theory, Providers]
    public async Task UnknownBearerTokenIsRefused(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "nope");
        var response = await client.GetAsync("/api/v3/root/config/", TestContext.Current.CancellationToken);
        await response.AssertJsonAsync(403, """{"detail": "Token invalid/expired"}""");
    }
}
