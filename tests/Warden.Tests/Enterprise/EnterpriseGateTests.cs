using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Warden.Enterprise;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Enterprise;

public sealed class EnterpriseGateTests
{
    private const string Denied = """{"detail": "Request denied due to expired/invalid license.", "code": "denied_license"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, Providers]
    public async Task WithoutAValidLicenceObjectWritesAreRefused(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);

        var (status, body) = await RunGateAsync(app, s => s.RequireEnterpriseForObjectAsync(Ct));

        Assert.Equal(400, status);
        AssertJson("""{"non_field_errors": ["Enterprise is required to create/update this object."]}""", body);
    }

    [Theory, Providers]
    public async Task WithoutAValidLicenceEnterpriseEndpointsAreRefused(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);

        var (status, body) = await RunGateAsync(app, s => s.RequireEnterpriseForEndpointAsync(Ct));

        Assert.Equal(400, status);
        AssertJson("""["Enterprise is required to use this endpoint."]""", body);
    }

    [Theory, Providers]
    public async Task ValidAndExpiringSoonLicencesOpenTheGates(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var expiry = app.Clock.GetUtcNow().AddDays(30);
        await TestLicenses.InstallAsync(app, expires: expiry);
        await AssertOpenAsync(app);

        app.Clock.SetUtcNow(expiry - TimeSpan.FromDays(1));
        Assert.Equal("expiry_soon", (await TestLicenses.SummaryAsync(app)).Status);
        await AssertOpenAsync(app);

        app.Clock.SetUtcNow(expiry + TimeSpan.FromSeconds(1));
        Assert.Equal("expired", (await TestLicenses.SummaryAsync(app)).Status);
        Assert.Equal(400, (await RunGateAsync(app, s => s.RequireEnterpriseForObjectAsync(Ct))).Status);
        Assert.Equal(400, (await RunGateAsync(app, s => s.RequireEnterpriseForEndpointAsync(Ct))).Status);
    }

    [Theory, Providers]
    public async Task LicensedHelperStartsAnAppWhoseGatesAreOpen(string provider)
    {
        await using var app = await TestLicenses.StartLicensedAsync(provider);
        await AssertOpenAsync(app);
        Assert.Equal("valid", (await TestLicenses.SummaryAsync(app)).Status);
    }

    [Theory, Providers]
    public async Task WhileReadOnlyUnsafeApiRequestsAreDenied(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var client = await app.AsTokenAsync(admin);
        var expiry = app.Clock.GetUtcNow().AddDays(1);
        var license = await TestLicenses.InstallAsync(app, expires: expiry);
        // Before: an unsafe request to a read-only endpoint gets the route's own answer.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.PostAsync("/api/v3/root/config/", Json.Content(new { }), Ct)).StatusCode);

        app.Clock.SetUtcNow(expiry + TimeSpan.FromDays(42) + TimeSpan.FromSeconds(1));

        await (await client.PostAsync("/api/v3/root/config/", Json.Content(new { }), Ct)).AssertJsonAsync(400, Denied);
        await (await client.DeleteAsync("/api/v3/root/config/", Ct)).AssertJsonAsync(400, Denied);
        await (await app.Anonymous().PostAsync("/api/v3/root/config/", Json.Content(new { }), Ct)).AssertJsonAsync(400, Denied);
        var (session, _) = await app.AsSessionAsync(admin);
        await (await session.PutAsync("/api/v3/root/config/", Json.Content(new { }), Ct)).AssertJsonAsync(400, Denied);
        // Reading is always allowed, and so are routes that do not exist.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v3/root/config/", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/v3/nothing/here/", Json.Content(new { }), Ct)).StatusCode);

        // The licence API stays open, so the operator can install a new licence, which lifts the restriction.
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync($"/api/v3/enterprise/license/{license.Id}/", Json.Content(new { }), Ct)).StatusCode);
        var renewed = await TestLicenses.IssueAsync(app, "Renewed");
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/v3/enterprise/license/", Json.Content(new { key = renewed }), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.PostAsync("/api/v3/root/config/", Json.Content(new { }), Ct)).StatusCode);
    }

    [Theory, Providers]
    public async Task OutsideReadOnlyNothingIsDenied(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        var expiry = app.Clock.GetUtcNow().AddDays(1);
        await TestLicenses.InstallAsync(app, expires: expiry);

        // Unlicensed, valid, expired: only read_only blocks writes.
        app.Clock.SetUtcNow(expiry + TimeSpan.FromDays(10));
        Assert.Equal("expired", (await TestLicenses.SummaryAsync(app)).Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.PostAsync("/api/v3/root/config/", Json.Content(new { }), Ct)).StatusCode);
    }

    [Theory]
    [InlineData("POST", "/api/v3/root/config/", false)]
    [InlineData("PATCH", "/api/v3/stages/account_lockdown/1/", false)]
    [InlineData("DELETE", "/api/v3/core/groups/1/", false)]
    [InlineData("GET", "/api/v3/stages/account_lockdown/", true)]
    [InlineData("HEAD", "/api/v3/root/config/", true)]
    [InlineData("OPTIONS", "/api/v3/root/config/", true)]
    [InlineData("TRACE", "/api/v3/root/config/", true)]
    [InlineData("POST", "/api/v3/enterprise/license/", true)]
    [InlineData("PATCH", "/api/v3/enterprise/license/0b7c0c43-1111-4c4c-9c9c-1234567890ab/", true)]
    [InlineData("POST", "/api/v3/flows/executor/default-authentication-flow/", true)]
    [InlineData("POST", "/api/v3/core/users/", true)]
    [InlineData("PATCH", "/api/v3/core/users/5/", true)]
    [InlineData("POST", "/api/v3/core/users/account_lockdown/", true)]
    [InlineData("POST", "/api/v3/core/users_extra/", false)]
    [InlineData("POST", "/if/flow/default-authentication-flow/", true)]
    public void TheReadOnlyMiddlewareExemptsWhatAuthentikExempts(string method, string path, bool allowed)
    {
        Assert.Equal(allowed, ReadOnlyLicenseMiddleware.IsAlwaysAllowed(method, new PathString(path), routed: true));
        Assert.True(ReadOnlyLicenseMiddleware.IsAlwaysAllowed(method, new PathString(path), routed: false));
    }

    private static async Task AssertOpenAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var status = scope.ServiceProvider.GetRequiredService<LicenseStatus>();
        Assert.True(await status.IsValidAsync(Ct));
        Assert.Null(await status.RequireEnterpriseForObjectAsync(Ct));
        Assert.Null(await status.RequireEnterpriseForEndpointAsync(Ct));
    }

    /// <summary>Runs a gate in a request scope and writes its refusal, as a handler returning it would.</summary>
    private static async Task<(int Status, string Body)> RunGateAsync(TestApp app, Func<LicenseStatus, Task<IResult?>> gate)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await gate(scope.ServiceProvider.GetRequiredService<LicenseStatus>());
        Assert.NotNull(result);
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }

    private static void AssertJson(string expected, string actual) =>
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(expected), System.Text.Json.Nodes.JsonNode.Parse(actual)),
            $"expected {expected}\nactual   {actual}");
}
