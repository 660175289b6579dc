using System.Text.Json.Nodes;

namespace Warden.Events;

/// <summary>
/// authentik's audit middleware events for API writes: <c>model_created</c>, <c>model_updated</c> and
/// <c>model_deleted</c>, with <c>{"model": {app, model_name, pk, name}}</c> as context (uuids as hex, as
/// authentik sanitizes them) and the middleware's module as the event's app.
/// </summary>
public static class ModelEvents
{
    /// <summary>The app authentik records for these events: the module that writes them.</summary>
    public const string App = "authentik.events.middleware";

    /// <summary>authentik's <c>model_to_dict</c>.</summary>
    public static JsonObject Model(string app, string modelName, JsonNode pk, string name) => new()
    {
        ["app"] = app,
        ["model_name"] = modelName,
        ["pk"] = pk,
        ["name"] = name,
    };

    public static JsonObject Model(string app, string modelName, Guid pk, string name) =>
        Model(app, modelName, JsonValue.Create(pk.ToString("N")), name);

    public static Task WriteAsync(AuditLog audit, HttpContext http, string action, JsonObject model, CancellationToken cancellationToken = default) =>
        audit.WriteAsync(http, action, new JsonObject { ["model"] = model }, App, cancellationToken: cancellationToken);
}
