using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Warden.Core;

namespace Warden.Stages.Prompt;

/// <summary>
/// What Warden renders instead of authentik's Python expressions (<c>placeholder_expression</c>,
/// <c>initial_value_expression</c>): a small template over the flow's context. Syntax:
/// <list type="bullet">
/// <item><c>{{ pending_user.username }}</c>, <c>{{ pending_user.name }}</c>, <c>{{ pending_user.email }}</c>: the flow's
/// pending user (empty when there is none); <c>{{ request_user.username }}</c> (and name, email): the logged-in user;
/// <c>{{ prompt_data.&lt;field_key&gt; }}</c>: an answer of an earlier prompt. Every substituted value is
/// HTML-escaped; an unknown name renders as nothing.</item>
/// <item><c>{% if CONDITION %}...{% else %}...{% endif %}</c> (the else part is optional; blocks nest). A condition is a
/// name, optionally preceded by <c>not</c>: <c>is_self</c> (there is no pending user, or it is the request's user),
/// <c>pending_user</c>, <c>request_user</c>, or any of the values above (true when not empty), e.g.
/// <c>{% if not is_self %}&lt;code&gt;{{ pending_user.username }}&lt;/code&gt;{% endif %}</c>.</item>
/// <item>Everything else is copied as it is (it may hold HTML: alert fields are shown as HTML).</item>
/// </list>
/// A template that does not parse (an unclosed block, an unknown tag) renders as its raw text, as authentik falls back
/// to the raw value when an expression fails.
/// </summary>
public static class PromptTemplate
{
    /// <summary>The values a template can name.</summary>
    public sealed record Scope(User? PendingUser, User? RequestUser, JsonObject PromptData)
    {
        public bool IsSelf => PendingUser is null || (RequestUser is not null && PendingUser.Id == RequestUser.Id);

        public string? Lookup(string name) => name switch
        {
            "pending_user.username" => PendingUser?.Username,
            "pending_user.name" => PendingUser?.Name,
            "pending_user.email" => PendingUser?.Email,
            "request_user.username" => RequestUser?.Username,
            "request_user.name" => RequestUser?.Name,
            "request_user.email" => RequestUser?.Email,
            _ when name.StartsWith("prompt_data.", StringComparison.Ordinal) =>
                PromptData[name["prompt_data.".Length..]] is JsonValue v ? (v.TryGetValue<string>(out var s) ? s : v.ToJsonString()) : null,
            _ => null,
        };

        public bool Test(string condition)
        {
            var negate = condition.StartsWith("not ", StringComparison.Ordinal);
            var name = negate ? condition[4..].Trim() : condition;
            var value = name switch
            {
                "is_self" => IsSelf,
                "pending_user" => PendingUser is not null,
                "request_user" => RequestUser is not null,
                _ => !string.IsNullOrEmpty(Lookup(name)),
            };
            return value != negate;
        }
    }

    public static string Render(string template, Scope scope)
    {
        var output = new StringBuilder();
        var position = 0;
        return RenderBlock(template, ref position, scope, output, emit: true, out var end) && end is null
            ? output.ToString()
            : template;
    }

    /// <summary>Renders until the end of the text or a block tag (<c>else</c>/<c>endif</c>), which is returned in <paramref name="end"/>.</summary>
    private static bool RenderBlock(string t, ref int i, Scope scope, StringBuilder output, bool emit, out string? end)
    {
        end = null;
        while (i < t.Length)
        {
            var open = IndexOfTag(t, i);
            if (open < 0)
            {
                if (emit) output.Append(t, i, t.Length - i);
                i = t.Length;
                return true;
            }
            if (emit) output.Append(t, i, open - i);
            var isValue = t[open + 1] == '{';
            var close = t.IndexOf(isValue ? "}}" : "%}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }
            var inner = t[(open + 2)..close].Trim();
            i = close + 2;
            if (isValue)
            {
                if (emit) output.Append(WebUtility.HtmlEncode(scope.Lookup(inner) ?? ""));
                continue;
            }
            if (inner is "else" or "endif")
            {
                end = inner;
                return true;
            }
            if (!inner.StartsWith("if ", StringComparison.Ordinal))
            {
                return false;
            }
            var test = scope.Test(inner[3..].Trim());
            if (!RenderBlock(t, ref i, scope, output, emit && test, out var tag) || tag is null)
            {
                return false;
            }
            if (tag == "else")
            {
                if (!RenderBlock(t, ref i, scope, output, emit && !test, out tag) || tag != "endif")
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static int IndexOfTag(string t, int from)
    {
        var a = t.IndexOf("{{", from, StringComparison.Ordinal);
        var b = t.IndexOf("{%", from, StringComparison.Ordinal);
        return a < 0 ? b : b < 0 ? a : Math.Min(a, b);
    }
}
