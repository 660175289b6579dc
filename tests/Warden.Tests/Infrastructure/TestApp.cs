using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Warden.Core;
using Warden.Persistence;

namespace Warden.Tests.Infrastructure;

/// <summary>
/// The real server, in memory, on its own fresh database (SQLite or PostgreSQL), with a fake clock.
/// Each test builds its own: <c>await using var app = await TestApp.StartAsync(provider);</c>
/// </summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public string Provider { get; }

    /// <summary>The configuration this app was started with (its database, and the test's own settings).</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private TestApp(string provider, Dictionary<string, string?> settings, Action<IServiceCollection>? services)
    {
        Provider = provider;
        _settings = settings;
        _services = services;
    }

    /// <summary>Starts the server; <paramref name="services"/> may add or replace services (test hooks).</summary>
    public static async Task<TestApp> StartAsync(string provider = TestDatabase.Sqlite, Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        // Settings that name a database of their own (an empty one, say) replace the fresh copy.
        var database = settings?.ContainsKey("Database:Provider") == true ? [] : await TestDatabase.CreateAsync(provider);
        foreach (var (key, value) in settings ?? [])
        {
            database[key] = value;
        }
        // Cheap hashes keep tests fast; the format and the code path are the production ones.
        database.TryAdd("Passwords:Iterations", "1000");
        // Each test makes the flows it needs; tests of the default flows start with Blueprints:ApplyDefaults=true.
        database.TryAdd("Blueprints:ApplyDefaults", "false");
        var app = new TestApp(provider, database, services);
        _ = app.Server; // start: migrations and bootstrap run now
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_settings));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            _services?.Invoke(services);
        });
    }

    /// <summary>Runs <paramref name="work"/> with a DbContext of its own scope.</summary>
    public async Task<T> WithDbAsync<T>(Func<WardenDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
        return await work(db);
    }

    public Task WithDbAsync(Func<WardenDbContext, Task> work) => WithDbAsync(async db => { await work(db); return true; });

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Creates a user (internal, active, password "password" unless given).</summary>
    public async Task<User> CreateUserAsync(string? username = null, bool superuser = false, string? password = "password",
        UserType type = UserType.Internal, string? email = null, bool active = true)
    {
        username ??= "user-" + Guid.NewGuid().ToString("N")[..10];
        var hasher = Service<PasswordHasher>();
        var now = Clock.GetUtcNow().UtcDateTime;
        return await WithDbAsync(async db =>
        {
            var user = new User
            {
                Username = username,
                Name = username,
                Email = email ?? $"{username}@example.test",
                Type = type,
                IsActive = active,
                Password = password is null ? PasswordHasher.Unusable() : hasher.Hash(password),
                DateJoined = now,
                LastUpdated = now,
                PasswordChangeDate = now,
            };
            if (superuser)
            {
                var admins = await db.Groups.FirstAsync(g => g.Name == Bootstrap.AdminGroupName);
                user.Groups.Add(admins);
            }
            db.Users.Add(user);
            await db.SaveChangesAsync();
            return user;
        });
    }

    /// <summary>Creates an API token for the user and returns its key.</summary>
    public async Task<string> CreateTokenAsync(User user, TokenIntent intent = TokenIntent.Api, DateTime? expires = null)
    {
        var key = "key-" + Guid.NewGuid().ToString("N");
        await WithDbAsync(async db =>
        {
            db.Tokens.Add(new Token
            {
                Identifier = "token-" + Guid.NewGuid().ToString("N"),
                Key = key,
                Intent = intent,
                UserId = user.Id,
                Expiring = expires is not null,
                Expires = expires,
            });
            await db.SaveChangesAsync();
        });
        return key;
    }

    /// <summary>
    /// A logged-in session of the user (a Session + AuthenticatedSession row, as the login stage makes) that expires
    /// after <paramref name="lifetime"/> (an hour unless given); returns its cookie value.
    /// </summary>
    public async Task<string> AddSessionAsync(User user, TimeSpan? lifetime = null)
    {
        var key = SessionStore.NewKey();
        var now = Clock.GetUtcNow().UtcDateTime;
        await WithDbAsync(async db =>
        {
            var session = new Session { SessionKey = key, Expires = now + (lifetime ?? TimeSpan.FromHours(1)), LastUsed = now, LastIp = "127.0.0.1" };
            session.Authenticated = new AuthenticatedSession { SessionKey = key, UserId = user.Id, Session = session };
            db.Sessions.Add(session);
            await db.SaveChangesAsync();
        });
        return key;
    }

    /// <summary>An HTTP client with no credentials (no cookie handling, redirects not followed).</summary>
    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    /// <summary>An HTTP client authenticated by a bearer token of the user.</summary>
    public async Task<HttpClient> AsTokenAsync(User user)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateTokenAsync(user));
        return client;
    }

    /// <summary>
    /// An HTTP client logged in by a session cookie (a Session + AuthenticatedSession row), with the CSRF cookie
    /// and header a browser page would send. Cookies set by the server are kept.
    /// </summary>
    public async Task<(HttpClient Client, string SessionKey)> AsSessionAsync(User user)
    {
        var key = await AddSessionAsync(user, TimeSpan.FromDays(1));
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var csrf = "csrf-" + Guid.NewGuid().ToString("N");
        var cookies = Server.BaseAddress;
        client.DefaultRequestHeaders.Add("Cookie", $"{SessionStore.CookieName}={key}; {SessionStore.CsrfCookieName}={csrf}");
        client.DefaultRequestHeaders.Add(SessionStore.CsrfHeaderName, csrf);
        return (client, key);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Provider == TestDatabase.Postgres && _settings.TryGetValue("Database:ConnectionString", out var cs) && cs is not null)
        {
            var name = new NpgsqlConnectionStringBuilder(cs).Database;
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(TestDatabase.PostgresServer);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>Assertions on authentik-shaped JSON bodies.</summary>
public static class Json
{
    public static async Task<JsonNode> BodyAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");

    /// <summary>Asserts the status and that the body equals <paramref name="expectedJson"/> exactly (key order ignored).</summary>
    public static async Task AssertJsonAsync(this HttpResponseMessage response, int status, string expectedJson)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        var expected = JsonNode.Parse(expectedJson);
        var actual = JsonNode.Parse(text);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected body {expected?.ToJsonString()}\nactual body   {actual?.ToJsonString()}");
    }

    public static StringContent Content(object value) =>
        new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");

    public static StringContent Raw(string json, string contentType = "application/json") =>
        new(json, System.Text.Encoding.UTF8, contentType);
}
