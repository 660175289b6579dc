using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Warden.Brands;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Brands;

/// <summary>The request's brand: the longest domain that is a suffix of the host, else the default brand.</summary>
public sealed class BrandResolverTests
{
    private static Task<string?> ResolveAsync(TestApp app, string host) =>
        app.WithDbAsync(async db =>
        {
            var context = new DefaultHttpContext();
            context.Request.Host = new HostString(host);
            return (await new BrandResolver(db).ResolveAsync(context, TestContext.Current.CancellationToken))?.Domain;
        });

    private static Task AddBrandsAsync(TestApp app, params string[] domains) =>
        app.WithDbAsync(async db =>
        {
            db.Brands.AddRange(domains.Select(d => new Brand { Domain = d }));
            await db.SaveChangesAsync();
        });

    [Theory, Providers]
    public async Task LongestMatchingDomainWins(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await AddBrandsAsync(app, "example.com", "login.example.com", "other.org");

        Assert.Equal("login.example.com", await ResolveAsync(app, "login.example.com"));
        Assert.Equal("login.example.com", await ResolveAsync(app, "eu.login.example.com"));
        Assert.Equal("example.com", await ResolveAsync(app, "www.example.com"));
        Assert.Equal("other.org", await ResolveAsync(app, "OTHER.ORG"));
        // A superset domain matches by suffix, as authentik documents (`a.b` for `aa.b`).
        Assert.Equal("example.com", await ResolveAsync(app, "myexample.com"));
    }

    [Theory, Providers]
    public async Task WithoutAMatchTheDefaultBrandIsUsed(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await AddBrandsAsync(app, "example.com");

        Assert.Equal("authentik-default", await ResolveAsync(app, "unrelated.test"));
        Assert.Equal("authentik-default", await ResolveAsync(app, "localhost"));
    }

    [Theory, Providers]
    public async Task WithoutMatchOrDefaultThereIsNoBrand(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await app.WithDbAsync(async db =>
        {
            await db.Brands.ExecuteDeleteAsync();
            db.Brands.Add(new Brand { Domain = "example.com" });
            await db.SaveChangesAsync();
        });

        Assert.Null(await ResolveAsync(app, "unrelated.test"));
        Assert.Equal("example.com", await ResolveAsync(app, "example.com"));
    }
}
