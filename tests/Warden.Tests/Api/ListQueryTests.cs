using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Warden.Api;
using Warden.Core;
using Warden.Persistence;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Api;

/// <summary>authentik's list conventions (pagination, ordering, search, filters) on a real database.</summary>
public sealed class ListQueryTests
{
    private static readonly ListQuery<User> Users = new ListQuery<User>()
        .Filter("username", u => u.Username)
        .Filter("is_active", u => u.IsActive)
        .Filter("uuid", u => u.Uuid)
        .Search(u => u.Username, u => u.Name)
        .Order("username", u => u.Username)
        .Order("name", u => u.Name)
        .DefaultOrder("username");

    private static async Task<(int Status, JsonNode Body)> ListAsync(TestApp app, string query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.QueryString = new QueryString(query);
        context.Response.Body = new MemoryStream();
        var baseQuery = db.Users.Where(u => u.Username.StartsWith("lq-"));
        var result = await Users.ToPageAsync(baseQuery, context.Request, u => new { u.Username, u.Name }, TestContext.Current.CancellationToken);
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, JsonNode.Parse(await new StreamReader(context.Response.Body).ReadToEndAsync())!);
    }

    private static async Task SeedAsync(TestApp app, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await app.CreateUserAsync($"lq-{i:000}", password: null);
        }
    }

    private static void AssertPagination(JsonNode body, int next, int previous, int count, int current, int totalPages, int start, int end) =>
        Assert.True(JsonNode.DeepEquals(body["pagination"], JsonNode.Parse($$"""
            {"next": {{next}}, "previous": {{previous}}, "count": {{count}}, "current": {{current}}, "total_pages": {{totalPages}}, "start_index": {{start}}, "end_index": {{end}}}
            """)), body["pagination"]!.ToJsonString());

    [Theory, Providers]
    public async Task PagesAreNumberedAsAuthentikNumbersThem(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await SeedAsync(app, 45);

        var (status, first) = await ListAsync(app, "");
        Assert.Equal(200, status);
        AssertPagination(first, next: 2, previous: 0, count: 45, current: 1, totalPages: 3, start: 1, end: 20);
        Assert.Equal(20, first["results"]!.AsArray().Count);
        Assert.Equal("lq-001", first["results"]![0]!["username"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonObject(), first["autocomplete"]));

        var (_, middle) = await ListAsync(app, "?page=2");
        AssertPagination(middle, next: 3, previous: 1, count: 45, current: 2, totalPages: 3, start: 21, end: 40);

        var (_, last) = await ListAsync(app, "?page=3");
        AssertPagination(last, next: 0, previous: 2, count: 45, current: 3, totalPages: 3, start: 41, end: 45);
        Assert.Equal(5, last["results"]!.AsArray().Count);

        var (_, named) = await ListAsync(app, "?page=last&page_size=10");
        AssertPagination(named, next: 0, previous: 4, count: 45, current: 5, totalPages: 5, start: 41, end: 45);
    }

    [Theory, Providers]
    public async Task AnEmptyListIsOnePageWithNoResults(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var (status, body) = await ListAsync(app, "");
        Assert.Equal(200, status);
        AssertPagination(body, next: 0, previous: 0, count: 0, current: 1, totalPages: 1, start: 0, end: 0);
        Assert.Empty(body["results"]!.AsArray());
    }

    [Theory, Providers]
    public async Task PageSizeIsCappedAtOneHundredAndFallsBackToTwentyWhenInvalid(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await SeedAsync(app, 105);
        var (_, capped) = await ListAsync(app, "?page_size=1000");
        Assert.Equal(100, capped["results"]!.AsArray().Count);
        AssertPagination(capped, next: 2, previous: 0, count: 105, current: 1, totalPages: 2, start: 1, end: 100);
        foreach (var invalid in new[] { "0", "-5", "abc" })
        {
            var (_, fallback) = await ListAsync(app, $"?page_size={invalid}");
            Assert.Equal(20, fallback["results"]!.AsArray().Count);
        }
    }

    [Theory, Providers]
    public async Task APageOutOfRangeIsNotFound(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await SeedAsync(app, 3);
        foreach (var page in new[] { "2", "0", "-1", "abc" })
        {
            var (status, body) = await ListAsync(app, $"?page={page}");
            Assert.Equal(404, status);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"detail": "Invalid page."}"""), body));
        }
    }

    [Theory, Providers]
    public async Task OrderingAcceptsSeveralFieldsAndDescendingAndIgnoresUnknownOnes(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await SeedAsync(app, 3);
        await app.WithDbAsync(async db =>
        {
            foreach (var u in db.Users.Where(u => u.Username.StartsWith("lq-")))
            {
                u.Name = u.Username == "lq-002" ? "a" : "b";
            }
            await db.SaveChangesAsync();
        });
        static string[] Names(JsonNode body) => body["results"]!.AsArray().Select(r => r!["username"]!.GetValue<string>()).ToArray();

        Assert.Equal(["lq-003", "lq-002", "lq-001"], Names((await ListAsync(app, "?ordering=-username")).Body));
        Assert.Equal(["lq-002", "lq-003", "lq-001"], Names((await ListAsync(app, "?ordering=name,-username")).Body));
        Assert.Equal(["lq-001", "lq-002", "lq-003"], Names((await ListAsync(app, "?ordering=password")).Body));
        Assert.Equal(["lq-003", "lq-002", "lq-001"], Names((await ListAsync(app, "?ordering=nonsense,-username")).Body));
    }

    [Theory, Providers]
    public async Task SearchMatchesEveryTermInAnySearchField(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await SeedAsync(app, 12);
        await app.WithDbAsync(async db =>
        {
            var u = db.Users.Single(u => u.Username == "lq-011");
            u.Name = "Ada Lovelace";
            await db.SaveChangesAsync();
        });
        var (_, body) = await ListAsync(app, "?search=LOVE%20ada");
        Assert.Equal("lq-011", Assert.Single(body["results"]!.AsArray())!["username"]!.GetValue<string>());
        var (_, several) = await ListAsync(app, "?search=lq-01");
        Assert.Equal(3, several["pagination"]!["count"]!.GetValue<int>());
    }

    [Theory, Providers]
    public async Task FiltersMatchExactlyAndRejectValuesOfTheWrongType(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await SeedAsync(app, 3);
        await app.WithDbAsync(async db =>
        {
            db.Users.Single(u => u.Username == "lq-002").IsActive = false;
            await db.SaveChangesAsync();
        });
        Assert.Equal(1, (await ListAsync(app, "?username=lq-002")).Body["pagination"]!["count"]!.GetValue<int>());
        Assert.Equal(0, (await ListAsync(app, "?username=lq-00")).Body["pagination"]!["count"]!.GetValue<int>());
        Assert.Equal(1, (await ListAsync(app, "?is_active=false")).Body["pagination"]!["count"]!.GetValue<int>());
        // django-filter ignores a boolean it cannot read.
        Assert.Equal(3, (await ListAsync(app, "?is_active=perhaps")).Body["pagination"]!["count"]!.GetValue<int>());
        var (status, error) = await ListAsync(app, "?uuid=not-a-uuid");
        Assert.Equal(400, status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"uuid": ["Enter a valid UUID."]}"""), error));
    }
}
