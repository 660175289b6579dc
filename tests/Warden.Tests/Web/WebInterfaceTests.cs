using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Warden.Flows;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Web;

public sealed partial class WebInterfaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, Providers]
    public async Task RootSendsAnonymousCallerToTheBrandsAuthenticationFlow(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var flow = await CreateFlowAsync(app, "login-flow", "Welcome");
        await SetBrandFlowsAsync(app, authentication: flow);

        var response = await app.Anonymous().GetAsync("/", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/if/flow/login-flow/", response.Headers.Location?.OriginalString);
    }

    [Theory, Providers]
    public async Task RootWithoutAnAuthenticationFlowExplainsThatLoginIsNotConfigured(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);

        var response = await app.Anonymous().GetAsync("/", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("This brand has no authentication flow configured", html, StringComparison.Ordinal);
        AssertSecurityHeaders(response);
    }

    [Theory, Providers]
    public async Task RootSendsLoggedInUserToTheUserPage(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (client, _) = await app.AsSessionAsync(await app.CreateUserAsync());

        var response = await client.GetAsync("/", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/if/user/", response.Headers.Location?.OriginalString);
    }

    [Theory, Providers]
    public async Task DeactivatedUsersSessionIsSentToLoginAgain(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await SetBrandFlowsAsync(app, authentication: await CreateFlowAsync(app, "login-flow", "Welcome"));
        var (client, _) = await app.AsSessionAsync(await app.CreateUserAsync(active: false));

        var response = await client.GetAsync("/if/user/", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/if/flow/login-flow/?next=%2Fif%2Fuser%2F", response.Headers.Location?.OriginalString);
    }

    [Theory, Providers]
    public async Task UserAndAdminPagesSendAnonymousCallerToLoginAndBack(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await SetBrandFlowsAsync(app, authentication: await CreateFlowAsync(app, "login-flow", "Welcome"));
        var client = app.Anonymous();

        var user = await client.GetAsync("/if/user/", Ct);
        var admin = await client.GetAsync("/if/admin/", Ct);

        Assert.Equal(HttpStatusCode.Redirect, user.StatusCode);
        Assert.Equal("/if/flow/login-flow/?next=%2Fif%2Fuser%2F", user.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        Assert.Equal("/if/flow/login-flow/?next=%2Fif%2Fadmin%2F", admin.Headers.Location?.OriginalString);
    }

    [Theory, Providers]
    public async Task UserPageShowsUsernameAndNameEncodedAndLinksToTheInvalidationFlow(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await SetBrandFlowsAsync(app, invalidation: await CreateFlowAsync(app, "logout-flow", "Bye"));
        var user = await app.CreateUserAsync("ann<b>");
        await app.WithDbAsync(async db =>
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Name, "Ann & <i>Co</i>"), Ct);
        });
        var (client, _) = await app.AsSessionAsync(user);

        var response = await client.GetAsync("/if/user/", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<dd id=\"user-username\">ann&lt;b&gt;</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"user-name\">Ann &amp; &lt;i&gt;Co&lt;/i&gt;</dd>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/if/flow/logout-flow/\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"account-lockdown-slot\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"admin-link\"", html, StringComparison.Ordinal);
        AssertSecurityHeaders(response, setsCsrfCookie: false);
    }

    [Theory, Providers]
    public async Task UserPageWithoutAnInvalidationFlowSaysLoggingOutIsUnavailable(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (client, _) = await app.AsSessionAsync(await app.CreateUserAsync());

        var html = await client.GetStringAsync("/if/user/", Ct);

        Assert.Contains("Logging out is not available: this brand has no invalidation flow configured.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"logout\"", html, StringComparison.Ordinal);
    }

    [Theory, Providers]
    public async Task UserPageLinksSuperusersToTheAdminPage(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (client, _) = await app.AsSessionAsync(await app.CreateUserAsync(superuser: true));

        var html = await client.GetStringAsync("/if/user/", Ct);

        Assert.Contains("<a href=\"/if/admin/\" id=\"admin-link\">", html, StringComparison.Ordinal);
    }

    [Theory, Providers]
    public async Task AdminPageServesItsShellToLoggedInUsers(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (client, _) = await app.AsSessionAsync(await app.CreateUserAsync(superuser: true));

        var response = await client.GetAsync("/if/admin/", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<script type=\"module\" src=\"/static/warden/admin.js\"></script>", html, StringComparison.Ordinal);
        AssertSecurityHeaders(response, setsCsrfCookie: false);
    }

    [Theory, Providers]
    public async Task FlowInterfaceServesAShellTitledByTheFlow(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await CreateFlowAsync(app, "my-flow", "Sign in & <go>");

        var response = await app.Anonymous().GetAsync("/if/flow/my-flow/?next=%2Fif%2Fadmin%2F", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<title>Sign in &amp; &lt;go&gt; - authentik</title>", html, StringComparison.Ordinal);
        Assert.Contains("<h1 id=\"flow-heading\" tabindex=\"-1\">Sign in &amp; &lt;go&gt;</h1>", html, StringComparison.Ordinal);
        Assert.Contains("data-flow-slug=\"my-flow\"", html, StringComparison.Ordinal);
        Assert.Contains("<script type=\"module\" src=\"/static/warden/flow.js\"></script>", html, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/static/warden/warden.css\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html, StringComparison.Ordinal); // nothing from another origin, no CDN
        AssertSecurityHeaders(response);
    }

    [Theory, Providers]
    public async Task FlowInterfaceOfAnUnknownFlowIsNotFound(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);

        var response = await app.Anonymous().GetAsync("/if/flow/no-such-flow/", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Flow not found", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        AssertSecurityHeaders(response);
    }

    [Theory, Providers]
    public async Task PagesKeepAnExistingCsrfCookie(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await CreateFlowAsync(app, "my-flow", "Hello");
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Add("Cookie", "authentik_csrf=" + new string('a', 43));

        var response = await client.GetAsync("/if/flow/my-flow/", Ct);

        AssertSecurityHeaders(response, setsCsrfCookie: false);
    }

    [Fact]
    public async Task AssetsAreServedAsScriptsAndStylesWithRevalidation()
    {
        await using var app = await TestApp.StartAsync();
        var client = app.Anonymous();

        foreach (var name in new[] { "flow.js", "stages.js", "dom.js", "api.js", "user.js", "admin.js" })
        {
            var script = await client.GetAsync($"/static/warden/{name}", Ct);
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Equal("text/javascript; charset=utf-8", script.Content.Headers.ContentType?.ToString());
            Assert.Equal("nosniff", script.Headers.GetValues("X-Content-Type-Options").Single());
        }
        var css = await client.GetAsync("/static/warden/warden.css", Ct);
        Assert.Equal("text/css; charset=utf-8", css.Content.Headers.ContentType?.ToString());
        var etag = css.Headers.ETag!;

        using var again = new HttpRequestMessage(HttpMethod.Get, "/static/warden/warden.css");
        again.Headers.IfNoneMatch.Add(etag);
        var revalidated = await client.SendAsync(again, Ct);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);

        var missing = await client.GetAsync("/static/warden/nope.js", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>The headers every HTML page has; <paramref name="setsCsrfCookie"/> is false when the client already sent one.</summary>
    private static void AssertSecurityHeaders(HttpResponseMessage response, bool setsCsrfCookie = true)
    {
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var html = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.DoesNotMatch(InlineScript(), html);
        // Every HTML answer carries the CSRF cookie the page's scripts echo, unless the browser already has one.
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        Assert.Equal(setsCsrfCookie, cookies.Any(c => c.StartsWith("authentik_csrf=", StringComparison.Ordinal) && c.Contains("path=/", StringComparison.Ordinal)));
    }

    [GeneratedRegex("<script(?![^>]*\\bsrc=)", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    private static async Task<Flow> CreateFlowAsync(TestApp app, string slug, string title)
    {
        var flow = new Flow { Name = title, Slug = slug, Title = title, Designation = "authentication" };
        await app.WithDbAsync(async db =>
        {
            db.Add(flow);
            await db.SaveChangesAsync(Ct);
        });
        return flow;
    }

    private static Task SetBrandFlowsAsync(TestApp app, Flow? authentication = null, Flow? invalidation = null) =>
        app.WithDbAsync(async db =>
        {
            var brand = await db.Brands.SingleAsync(b => b.Default, Ct);
            brand.FlowAuthenticationId = authentication?.Id ?? brand.FlowAuthenticationId;
            brand.FlowInvalidationId = invalidation?.Id ?? brand.FlowInvalidationId;
            await db.SaveChangesAsync(Ct);
        });
}
