using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Warden.Brands;
using Warden.Core;
using Warden.Persistence;

namespace Warden.Events;

/// <summary>authentik's event action names.</summary>
public static class EventActions
{
    public const string Login = "login";
    public const string LoginFailed = "login_failed";
    public const string Logout = "logout";
    public const string UserWrite = "user_write";
    public const string PasswordSet = "password_set";
    public const string ModelCreated = "model_created";
    public const string ModelUpdated = "model_updated";
    public const string ModelDeleted = "model_deleted";
    public const string SuspiciousRequest = "suspicious_request";
    public const string SecretView = "secret_view";
    public const string SecretRotate = "secret_rotate";
    public const string SystemException = "system_exception";
}

/// <summary>
/// Writes Event rows after the change they describe has committed, in a scope of their own so that a failure
/// here is logged and never undoes or fails the change.
/// </summary>
public sealed partial class AuditLog(IServiceScopeFactory scopes, TimeProvider time, ILogger<AuditLog> logger)
{
    /// <summary>authentik's default event retention.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(365);

    private static readonly Regex Sensitive = SensitiveKeys();

    /// <summary>The user dict authentik stores: exactly <c>{pk, username, email}</c>.</summary>
    public static JsonObject UserDict(User user) => new()
    {
        ["pk"] = user.Id,
        ["username"] = user.Username,
        ["email"] = user.Email,
    };

    /// <summary>
    /// Records an event for this request. <paramref name="actingFor"/> is the flow's pending user when it differs
    /// from the authenticated user: authentik then stores the pending user with the actor under <c>authenticated_as</c>.
    /// With <paramref name="into"/> the event is saved through that context, inside its open transaction, so that it
    /// commits with the change it describes; a failure is rolled back to the save's own savepoint and leaves the
    /// transaction usable.
    /// </summary>
    public async Task<bool> WriteAsync(
        HttpContext? http, string action, JsonObject context, string app = "authentik.events",
        User? actor = null, User? actingFor = null, WardenDbContext? into = null, CancellationToken cancellationToken = default)
    {
        Event? added = null;
        try
        {
            var user = actor ?? http?.CurrentUser();
            JsonObject userDict;
            if (actingFor is not null && user is not null && actingFor.Id != user.Id)
            {
                userDict = UserDict(actingFor);
                userDict["authenticated_as"] = UserDict(user);
            }
            else if (user is not null)
            {
                userDict = UserDict(user);
            }
            else
            {
                userDict = new JsonObject { ["pk"] = null, ["username"] = User.AnonymousUsername, ["email"] = "" };
            }
            var cleansed = Cleanse(context);
            if (http is not null && !cleansed.ContainsKey("http_request"))
            {
                cleansed["http_request"] = new JsonObject
                {
                    ["path"] = http.Request.Path.Value,
                    ["method"] = http.Request.Method,
                    ["args"] = QueryArgs(http),
                    ["user_agent"] = http.Request.Headers.UserAgent.ToString(),
                    ["request_id"] = http.TraceIdentifier,
                };
            }
            var now = time.GetUtcNow().UtcDateTime;
            await using var scope = scopes.CreateAsyncScope();
            var db = into ?? scope.ServiceProvider.GetRequiredService<WardenDbContext>();
            JsonObject? brand = null;
            if (http is not null)
            {
                var resolved = await scope.ServiceProvider.GetRequiredService<BrandResolver>().ResolveAsync(http, cancellationToken);
                if (resolved is not null)
                {
                    brand = new JsonObject
                    {
                        ["app"] = "authentik_brands",
                        ["model_name"] = "brand",
                        ["pk"] = resolved.Id.ToString("N"),
                        ["name"] = $"Brand {resolved.Domain}",
                    };
                }
            }
            added = new Event
            {
                Action = action,
                App = app,
                User = userDict,
                Context = cleansed,
                ClientIp = http is null ? null : ClientIp.Of(http),
                Created = now,
                Expires = now + Retention,
                Brand = brand,
            };
            db.Set<Event>().Add(added);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
#pragma warning disable CA1031 // An audit failure must never fail the action it describes.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // A shared context must not try the failed event again with its owner's next save.
            if (into is not null && added is not null)
            {
                into.Entry(added).State = EntityState.Detached;
            }
            LogWriteFailed(logger, ex, action);
            return false;
        }
    }

    /// <summary>The executor's inner <c>query</c> is what authentik records as the request's args.</summary>
    private static JsonObject QueryArgs(HttpContext http)
    {
        var args = new JsonObject();
        var query = http.Request.Query;
        if (query.TryGetValue("query", out var inner))
        {
            foreach (var pair in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(inner.ToString()))
            {
                args[pair.Key] = pair.Value.ToString();
            }
            return args;
        }
        foreach (var pair in query)
        {
            args[pair.Key] = pair.Value.ToString();
        }
        return args;
    }

    /// <summary>Django's sensitive-key filter: values of keys that look like secrets are masked.</summary>
    public static JsonObject Cleanse(JsonObject context)
    {
        var result = new JsonObject();
        foreach (var (key, value) in context)
        {
            // As Django's cleanse_dict: a nested dict is cleansed key by key even under a sensitive key, so
            // {"secret": {model_to_dict(token)}} keeps its (non-secret) description of the object.
            if (value is JsonObject nested)
            {
                result[key] = Cleanse(nested);
            }
            else if (Sensitive.IsMatch(key))
            {
                result[key] = "********************";
            }
            else
            {
                result[key] = value?.DeepClone();
            }
        }
        return result;
    }

    [GeneratedRegex("API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE", RegexOptions.IgnoreCase)]
    private static partial Regex SensitiveKeys();

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Failed to write audit event {Action}")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string action);
}
