using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Tests.Infrastructure;
using static Warden.Tests.Core.CoreTestData;

namespace Warden.Tests.Core;

public sealed class AuthenticatedSessionsApiTests
{
    private const string Sessions = "/api/v3/core/authenticated_sessions/";
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Safari/537.36";

    private static Task<AuthenticatedSession> SessionAsync(TestApp app, string key) =>
        app.WithDbAsync(db => db.AuthenticatedSessions.AsNoTracking().Include(a => a.Session).SingleAsync(a => a.SessionKey == key));

    [Theory, Providers]
    public async Task UsersListTheirOwnSessionsWithTheCurrentOneMarked(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var bob = await app.CreateUserAsync("bob");
        var other = await app.CreateUserAsync("other");
        var (browser, currentKey) = await app.AsSessionAsync(bob);
        var (_, laptopKey) = await app.AsSessionAsync(bob);
        await app.AsSessionAsync(other);
        await app.WithDbAsync(db => db.Sessions.Where(s => s.SessionKey == laptopKey)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastUserAgent, Chrome).SetProperty(x => x.LastIp, "192.0.2.7"), Ct));
        var current = await SessionAsync(app, currentKey);
        var laptop = await SessionAsync(app, laptopKey);

        var currentJson = $$"""
            {"uuid": "{{current.Uuid}}", "current": true,
             "user_agent": {"device": {"brand": null, "family": "Other", "model": null},
                            "os": {"family": "Other", "major": null, "minor": null, "patch": null, "patch_minor": null},
                            "user_agent": {"family": "Other", "major": null, "minor": null, "patch": null}, "string": ""},
             "geo_ip": null, "asn": null, "user": {{bob.Id}}, "last_ip": "127.0.0.1", "last_user_agent": "",
             "last_used": "{{Now}}", "expires": "2026-11-26T12:00:00Z"}
            """;
        var laptopJson = $$"""
            {"uuid": "{{laptop.Uuid}}", "current": false,
             "user_agent": {"device": {"brand": null, "family": "Other", "model": null},
                            "os": {"family": "Windows", "major": "10", "minor": null, "patch": null, "patch_minor": null},
                            "user_agent": {"family": "Chrome", "major": "120", "minor": "0", "patch": "6099"}, "string": "{{Chrome}}"},
             "geo_ip": null, "asn": null, "user": {{bob.Id}}, "last_ip": "192.0.2.7", "last_user_agent": "{{Chrome}}",
             "last_used": "{{Now}}", "expires": "2026-11-26T12:00:00Z"}
            """;
        var response = await browser.GetAsync(Sessions + "?ordering=session__last_ip", Ct);
        await response.AssertJsonAsync(200, Page([JsonNode.Parse(currentJson)!, JsonNode.Parse(laptopJson)!], 2));
        await (await browser.GetAsync($"{Sessions}{laptop.Uuid}/", Ct)).AssertJsonAsync(200, laptopJson);
        await (await browser.GetAsync($"{Sessions}{current.Uuid}/", Ct)).AssertJsonAsync(200, currentJson);
        await (await app.Anonymous().GetAsync(Sessions, Ct)).AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
    }

    [Theory, Providers]
    public async Task ViewersListEverySessionAndOthersSeeOnlyTheirOwn(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var alice = await app.CreateUserAsync("alice");
        var bob = await app.CreateUserAsync("bob");
        var admin = await app.CreateUserAsync("root", superuser: true);
        await app.AsSessionAsync(alice);
        var (_, bobKey) = await app.AsSessionAsync(bob);
        var bobSession = await SessionAsync(app, bobKey);

        async Task<List<int>> OwnersAsync(HttpClient client, string query = "")
        {
            var body = await (await client.GetAsync(Sessions + query, Ct)).BodyAsync();
            return body["results"]!.AsArray().Select(s => (int)s!["user"]!).ToList();
        }

        Assert.Equal([alice.Id, bob.Id], await OwnersAsync(await app.AsTokenAsync(admin)));
        Assert.Equal([bob.Id], await OwnersAsync(await app.AsTokenAsync(admin), "?user__username=bob"));
        Assert.Equal([bob.Id], await OwnersAsync(await app.AsTokenAsync(admin), "?search=bo"));
        var aliceClient = await app.AsTokenAsync(alice);
        Assert.Equal([alice.Id], await OwnersAsync(aliceClient));
        await (await aliceClient.GetAsync($"{Sessions}{bobSession.Uuid}/", Ct))
            .AssertJsonAsync(404, """{"detail": "No AuthenticatedSession matches the given query."}""");
        await (await aliceClient.GetAsync($"{Sessions}not-a-uuid/", Ct)).AssertJsonAsync(404, """{"detail": "Not found."}""");
        await (await aliceClient.DeleteAsync($"{Sessions}{bobSession.Uuid}/", Ct))
            .AssertJsonAsync(404, """{"detail": "No AuthenticatedSession matches the given query."}""");
        Assert.True(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.SessionKey == bobKey)));
    }

    [Theory, Providers]
    public async Task EndingASessionLogsThatBrowserOutAtItsNextRequest(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var bob = await app.CreateUserAsync("bob");
        var (desk, _) = await app.AsSessionAsync(bob);
        var (phone, phoneKey) = await app.AsSessionAsync(bob);
        var phoneSession = await SessionAsync(app, phoneKey);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/api/v3/core/users/me/", Ct)).StatusCode);

        var response = await desk.DeleteAsync($"{Sessions}{phoneSession.Uuid}/", Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.SessionKey == phoneKey)));
        Assert.False(await app.WithDbAsync(db => db.AuthenticatedSessions.AnyAsync(a => a.SessionKey == phoneKey)));
        await (await phone.GetAsync("/api/v3/core/users/me/", Ct)).AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
        Assert.Equal(HttpStatusCode.OK, (await desk.GetAsync("/api/v3/core/users/me/", Ct)).StatusCode);
    }

    [Theory, Providers]
    public async Task EndingAnotherUsersSessionNeedsTheDeletePermission(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var helpdesk = await app.CreateUserAsync("helpdesk");
        var bob = await app.CreateUserAsync("bob");
        await app.GrantAsync(helpdesk, "authentik_core.view_authenticatedsession");
        var (_, bobKey) = await app.AsSessionAsync(bob);
        var session = await SessionAsync(app, bobKey);
        var client = await app.AsTokenAsync(helpdesk);

        await (await client.DeleteAsync($"{Sessions}{session.Uuid}/", Ct))
            .AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
        await app.GrantAsync(helpdesk, "authentik_core.delete_authenticatedsession", session.Uuid.ToString());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{Sessions}{session.Uuid}/", Ct)).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.SessionKey == bobKey)));
    }

    [Theory, Providers]
    public async Task BulkDeleteEndsEverySessionOfTheGivenUsers(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync("root", superuser: true);
        var alice = await app.CreateUserAsync("alice");
        var bob = await app.CreateUserAsync("bob");
        var carol = await app.CreateUserAsync("carol");
        var (aliceBrowser, _) = await app.AsSessionAsync(alice);
        await app.AsSessionAsync(alice);
        await app.AsSessionAsync(bob);
        var (carolBrowser, _) = await app.AsSessionAsync(carol);
        var client = await app.AsTokenAsync(admin);

        await (await client.DeleteAsync(Sessions + "bulk_delete/", Ct)).AssertJsonAsync(400, """{"user_pks": ["This field is required."]}""");
        await (await client.DeleteAsync(Sessions + "bulk_delete/?user_pks=1&user_pks=x", Ct))
            .AssertJsonAsync(400, """{"user_pks": {"1": ["A valid integer is required."]}}""");

        var response = await client.DeleteAsync($"{Sessions}bulk_delete/?user_pks={alice.Id}&user_pks={bob.Id}&user_pks=99999", Ct);
        await response.AssertJsonAsync(200, """{"deleted": 3}""");
        Assert.Equal(0, await app.WithDbAsync(db => db.AuthenticatedSessions.CountAsync(a => a.UserId == alice.Id || a.UserId == bob.Id)));
        Assert.Equal(HttpStatusCode.Forbidden, (await aliceBrowser.GetAsync("/api/v3/core/users/me/", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await carolBrowser.GetAsync("/api/v3/core/users/me/", Ct)).StatusCode);

        await (await carolBrowser.DeleteAsync($"{Sessions}bulk_delete/?user_pks={carol.Id}", Ct))
            .AssertJsonAsync(403, """{"detail": "You do not have permission to perform this action."}""");
        await (await app.Anonymous().DeleteAsync($"{Sessions}bulk_delete/?user_pks={carol.Id}", Ct))
            .AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
    }

    [Theory, Providers]
    public async Task UsedByListsNothingForAnExistingSession(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var bob = await app.CreateUserAsync("bob");
        var (browser, key) = await app.AsSessionAsync(bob);
        var session = await SessionAsync(app, key);
        await (await browser.GetAsync($"{Sessions}{session.Uuid}/used_by/", Ct)).AssertJsonAsync(200, "[]");
        await (await browser.GetAsync($"{Sessions}{Guid.NewGuid()}/used_by/", Ct))
            .AssertJsonAsync(404, """{"detail": "No AuthenticatedSession matches the given query."}""");
    }
}
