using System.Text.Json.Nodes;
using Warden.Api;
using Warden.Events;
using Warden.Tests.Infrastructure;
using Warden.Tests.Rbac;

namespace Warden.Tests.Events;

public sealed class EventsApiTests
{
    private const string Url = "/api/v3/events/events/";
    private const string Forbidden = """{"detail": "You do not have permission to perform this action."}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<Event> AddAsync(TestApp app, string action, JsonObject context, string username = "someone", string? ip = "10.1.2.3",
        int minutesAgo = 0, JsonObject? brand = null) =>
        app.WithDbAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime.AddMinutes(-minutesAgo);
            var e = new Event
            {
                Action = action,
                App = "authentik.test",
                User = new JsonObject { ["pk"] = 5, ["username"] = username, ["email"] = username + "@example.test" },
                Context = context,
                ClientIp = ip,
                Created = now,
                Expires = now.AddDays(365),
                Brand = brand,
            };
            db.Add(e);
            await db.SaveChangesAsync();
            return e;
        });

    private static string EventJson(Event e) => new JsonObject
    {
        ["pk"] = e.Id.ToString(),
        ["user"] = e.User.DeepClone(),
        ["action"] = e.Action,
        ["app"] = e.App,
        ["context"] = e.Context.DeepClone(),
        ["client_ip"] = e.ClientIp,
        ["created"] = DrfDateTimeConverter.Format(e.Created),
        ["expires"] = DrfDateTimeConverter.Format(e.Expires),
        ["brand"] = e.Brand?.DeepClone() ?? new JsonObject(),
    }.ToJsonString();

    private static async Task<List<string>> PksAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync(Url + query, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return [.. JsonNode.Parse(text)!["results"]!.AsArray().Select(r => r!["pk"]!.GetValue<string>())];
    }

    [Theory, Providers]
    public async Task ListShowsEventsNewestFirst(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var older = await AddAsync(app, "login", [], minutesAgo: 5);
        var newer = await AddAsync(app, "logout", new JsonObject { ["k"] = "v" }, brand: new JsonObject { ["name"] = "Default brand" });

        var response = await (await app.AsTokenAsync(admin)).GetAsync(Url, Ct);

        await response.AssertJsonAsync(200, $$"""
            {"pagination": {"next": 0, "previous": 0, "count": 2, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 2},
             "results": [{{EventJson(newer)}}, {{EventJson(older)}}], "autocomplete": {} }
            """);
    }

    [Theory, Providers]
    public async Task ListFiltersAsAuthentikDoes(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var modelId = Guid.NewGuid();
        var created = await AddAsync(app, "model_created",
            new JsonObject { ["model"] = ModelEvents.Model("authentik_flows", "flow", modelId, "Flow x") }, username: "alice", ip: "192.0.2.1");
        var numbered = await AddAsync(app, "model_updated",
            new JsonObject { ["model"] = ModelEvents.Model("authentik_core", "user", JsonValue.Create(42), "bob") }, username: "bob");
        var login = await AddAsync(app, "login_failed",
            new JsonObject { ["authorized_application"] = new JsonObject { ["pk"] = "app-1" } }, username: "carol", brand: new JsonObject { ["name"] = "Brand b" });
        var client = await app.AsTokenAsync(admin);

        Assert.Equal([created.Id.ToString()], await PksAsync(client, "?username=alice"));
        Assert.Equal([created.Id.ToString()], await PksAsync(client, "?context_model_pk=" + modelId));
        Assert.Equal([created.Id.ToString()], await PksAsync(client, "?context_model_pk=" + modelId.ToString("N")));
        Assert.Equal([numbered.Id.ToString()], await PksAsync(client, "?context_model_pk=42"));
        Assert.Equal([numbered.Id.ToString()], await PksAsync(client, "?context_model_app=authentik_core&context_model_name=user"));
        Assert.Equal([login.Id.ToString()], await PksAsync(client, "?context_authorized_app=app-1"));
        Assert.Equal([login.Id.ToString()], await PksAsync(client, "?brand_name=Brand%20b"));
        Assert.Equal([created.Id.ToString()], await PksAsync(client, "?client_ip=192.0.2.1"));
        Assert.Equal([created.Id.ToString(), numbered.Id.ToString()], await PksAsync(client, "?action=MODEL&ordering=action"));
        Assert.Equal([created.Id.ToString(), login.Id.ToString()], await PksAsync(client, "?actions=login_failed&actions=model_created&ordering=-action"));
        Assert.Empty(await PksAsync(client, "?username=alice'%20OR%201=1%20--"));
        await (await client.GetAsync(Url + "?actions=not_an_action", Ct)).AssertJsonAsync(400,
            """{"actions": ["Select a valid choice. not_an_action is not one of the available choices."]}""");
    }

    [Theory, Providers]
    public async Task ListAndRetrieveNeedTheViewPermission(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var visible = await AddAsync(app, "login", []);
        var hidden = await AddAsync(app, "logout", []);
        var client = await app.AsTokenAsync(user);

        await (await client.GetAsync(Url, Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().GetAsync(Url, Ct)).AssertJsonAsync(403, """{"detail": "Authentication credentials were not provided."}""");
        await app.GrantAsync(user, EventsApi.ViewPermission, visible.Id.ToString());
        Assert.Equal([visible.Id.ToString()], await PksAsync(client, ""));
        await (await client.GetAsync(Url + visible.Id + "/", Ct)).AssertJsonAsync(200, EventJson(visible));
        await (await client.GetAsync(Url + hidden.Id + "/", Ct)).AssertJsonAsync(404, """{"detail": "No Event matches the given query."}""");
        await (await client.GetAsync(Url + "nope/", Ct)).AssertJsonAsync(404, """{"detail": "Not found."}""");
    }

    [Theory, Providers]
    public async Task RecordedContextsNeverHoldSecrets(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        await app.Service<AuditLog>().WriteAsync(null, EventActions.SecretView, new JsonObject
        {
            ["password"] = "hunter2",
            ["token_key"] = "key-123",
            ["nested"] = new JsonObject { ["api_key"] = "abc", ["plain"] = "ok" },
        }, actor: admin, cancellationToken: Ct);

        var body = await (await (await app.AsTokenAsync(admin)).GetAsync(Url + "?action=secret_view", Ct)).BodyAsync();

        var context = body["results"]![0]!["context"]!.ToJsonString();
        Assert.DoesNotContain("hunter2", context, StringComparison.Ordinal);
        Assert.DoesNotContain("key-123", context, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", context, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"password": "********************", "token_key": "********************", "nested": {"api_key": "********************", "plain": "ok"}}
            """), JsonNode.Parse(context)), context);
    }
}
