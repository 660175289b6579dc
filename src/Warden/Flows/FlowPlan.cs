using System.Text.Json.Nodes;

namespace Warden.Flows;

/// <summary>
/// authentik's FlowPlan: the bindings that apply to this request, in order, and the context the stages share. It is
/// stored in the caller's server-side session under <see cref="SessionKey"/>, so any node can continue it.
/// </summary>
public sealed class FlowPlan
{
    /// <summary>authentik's session key for the plan.</summary>
    public const string SessionKey = "authentik/flows/plan";

    public Guid FlowId { get; set; }

    /// <summary>The remaining bindings; the first is the current stage.</summary>
    public List<PlannedBinding> Bindings { get; set; } = [];

    /// <summary>
    /// The stages' shared context (authentik's <c>plan.context</c>). Users are stored by primary key:
    /// <see cref="PlanContext.PendingUser"/> holds an integer.
    /// </summary>
    public JsonObject Context { get; set; } = [];

    public JsonObject ToJson() => new()
    {
        ["flow_pk"] = FlowId.ToString(),
        ["bindings"] = new JsonArray([.. Bindings.Select(b => (JsonNode)new JsonObject
        {
            ["binding"] = b.BindingId.ToString(),
            ["re_evaluate"] = b.ReEvaluate,
        })]),
        ["context"] = Context.DeepClone(),
    };

    /// <summary>Reads a stored plan; null when the stored value is not a plan (then the flow is planned again).</summary>
    public static FlowPlan? FromJson(JsonNode? node)
    {
        if (node is not JsonObject obj
            || !Guid.TryParse(obj["flow_pk"]?.GetValue<string>(), out var flowId)
            || obj["bindings"] is not JsonArray bindings)
        {
            return null;
        }
        var plan = new FlowPlan { FlowId = flowId, Context = obj["context"] as JsonObject is { } context ? context.DeepClone().AsObject() : [] };
        foreach (var item in bindings)
        {
            if (item is not JsonObject b || !Guid.TryParse(b["binding"]?.GetValue<string>(), out var bindingId))
            {
                return null;
            }
            plan.Bindings.Add(new PlannedBinding(bindingId, b["re_evaluate"]?.GetValue<bool>() ?? false));
        }
        return plan;
    }
}

/// <summary>A binding in a plan; <paramref name="ReEvaluate"/> marks it for policy evaluation when it is reached.</summary>
public sealed record PlannedBinding(Guid BindingId, bool ReEvaluate);

/// <summary>authentik's well-known plan context keys.</summary>
public static class PlanContext
{
    /// <summary>The user the flow acts on (an integer primary key here).</summary>
    public const string PendingUser = "pending_user";

    /// <summary>The answers of prompt stages, merged: <c>{field_key: value}</c>.</summary>
    public const string PromptData = "prompt_data";

    /// <summary>The query string the flow interface was opened with (<c>next</c> is honoured at the end).</summary>
    public const string GetParams = "get";

    /// <summary>Wrong passwords so far in this flow (password stage).</summary>
    public const string FailedAttempts = "failed_attempts";

    public static int? PendingUserId(this FlowPlan plan) =>
        plan.Context[PendingUser] is JsonValue value && value.TryGetValue<int>(out var pk) ? pk : null;

    public static JsonObject PromptDataOf(this FlowPlan plan)
    {
        if (plan.Context[PromptData] is JsonObject data)
        {
            return data;
        }
        var created = new JsonObject();
        plan.Context[PromptData] = created;
        return created;
    }
}
