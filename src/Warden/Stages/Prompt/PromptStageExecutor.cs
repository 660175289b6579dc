using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Flows;
using Warden.Persistence;

namespace Warden.Stages.Prompt;

/// <summary>
/// authentik's PromptStageView: shows the stage's fields ordered by <c>order</c> and stores the valid answers in the
/// plan's <c>prompt_data</c>; invalid answers show the challenge again with DRF's messages per field. Expressions are
/// <see cref="PromptTemplate"/>s, never code. Choices of a radio-button group or dropdown are the placeholder (one per
/// line when it is a template). Validation policies are not evaluated.
/// </summary>
public sealed class PromptStageExecutor(WardenDbContext db) : IStageExecutor
{
    private static readonly string[] DisplayOnly = ["alert_info", "alert_warning", "alert_danger", "separator"];
    private static readonly string[] ReadOnly = ["text_read_only", "text_area_read_only"];

    public async Task<StageResult> GetAsync(StageRun run, CancellationToken cancellationToken) =>
        StageResult.Show(new PromptChallenge(await FieldsAsync(run, cancellationToken)));

    public async Task<StageResult> PostAsync(StageRun run, JsonObject response, CancellationToken cancellationToken)
    {
        var fields = await FieldsAsync(run, cancellationToken);
        var errors = new Dictionary<string, List<ErrorDetail>>(StringComparer.Ordinal);
        var answers = new JsonObject();
        string? password = null;
        foreach (var field in fields)
        {
            var error = Validate(field, response, answers);
            if (error is not null)
            {
                errors[field.FieldKey] = [error];
                continue;
            }
            if (field.Type == "username" && answers[field.FieldKey] is JsonValue u && u.TryGetValue<string>(out var username)
                && await db.Users.AnyAsync(x => x.Username == username, cancellationToken))
            {
                errors[field.FieldKey] = [new ErrorDetail("Username is already taken.", "invalid")];
            }
            if (field.Type == "password" && answers[field.FieldKey] is JsonValue p && p.TryGetValue<string>(out var typed))
            {
                if (password is not null && password != typed)
                {
                    errors[field.FieldKey] = [new ErrorDetail("Passwords don't match.", "invalid")];
                }
                password ??= typed;
            }
        }
        if (errors.Count > 0)
        {
            return StageResult.Show(new PromptChallenge(fields) { ResponseErrors = errors });
        }
        var data = run.Plan.PromptDataOf();
        foreach (var (key, value) in answers)
        {
            data[key] = value?.DeepClone();
        }
        return StageResult.Ok;
    }

    /// <summary>DRF's field for the prompt type: the error, or the value added to <paramref name="answers"/>.</summary>
    private static ErrorDetail? Validate(StagePrompt field, JsonObject response, JsonObject answers)
    {
        var key = field.FieldKey;
        if (DisplayOnly.Contains(field.Type) || ReadOnly.Contains(field.Type))
        {
            return null;
        }
        if (field.Type == "hidden")
        {
            answers[key] = field.Placeholder;
            return null;
        }
        var hasDefault = field.InitialValue.Length > 0 || field.Type == "static";
        if (!response.TryGetPropertyValue(key, out var raw))
        {
            if (hasDefault)
            {
                answers[key] = field.Type == "static" ? field.Placeholder : field.InitialValue;
                return null;
            }
            return field.Required && field.Type != "checkbox" ? new ErrorDetail("This field is required.", "required") : null;
        }
        if (raw is null)
        {
            return new ErrorDetail("This field may not be null.", "null");
        }
        var text = raw is JsonValue v && v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number
            ? (v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString())
            : null;
        switch (field.Type)
        {
            case "checkbox":
                if (raw is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
                {
                    answers[key] = b.GetValueKind() == JsonValueKind.True;
                    return null;
                }
                if (text is "true" or "True" or "1" or "on") { answers[key] = true; return null; }
                if (text is "false" or "False" or "0" or "off") { answers[key] = false; return null; }
                return new ErrorDetail("Must be a valid boolean.", "invalid");
            case "number":
                if (text is not null && long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                {
                    answers[key] = n;
                    return null;
                }
                return new ErrorDetail("A valid integer is required.", "invalid");
            case "radio-button-group" or "dropdown":
                if (text is not null && (field.Choices ?? []).Any(c => c.Value == text))
                {
                    answers[key] = text;
                    return null;
                }
                return new ErrorDetail($"\"{text ?? raw.ToJsonString()}\" is not a valid choice.", "invalid_choice");
            case "date":
                if (text is not null && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    answers[key] = text;
                    return null;
                }
                return new ErrorDetail("Date has wrong format. Use one of these formats instead: YYYY-MM-DD.", "invalid");
            case "date-time":
                if (text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt))
                {
                    answers[key] = dt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                    return null;
                }
                return new ErrorDetail("Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].", "invalid");
        }
        if (text is null)
        {
            return new ErrorDetail("Not a valid string.", "invalid");
        }
        // text and text_area keep their whitespace; every other text field is trimmed, as DRF's CharField does.
        var value = field.Type is "text" or "text_area" ? text : text.Trim();
        var allowBlank = field.Type == "ak-locale" || (field.Type is "text" or "text_area" or "email" && !field.Required);
        if (value.Length == 0 && !allowBlank)
        {
            return new ErrorDetail("This field may not be blank.", "blank");
        }
        if (field.Type == "email" && value.Length > 0 && !LooksLikeEmail(value))
        {
            return new ErrorDetail("Enter a valid email address.", "invalid");
        }
        answers[key] = value;
        return null;
    }

    private static bool LooksLikeEmail(string value)
    {
        var at = value.LastIndexOf('@');
        return at > 0 && at < value.Length - 1 && !value.Contains(' ', StringComparison.Ordinal) && value[(at + 1)..].Contains('.', StringComparison.Ordinal);
    }

    /// <summary>The fields as the browser sees them: ordered by <c>order</c>, templates rendered.</summary>
    private static async Task<List<StagePrompt>> FieldsAsync(StageRun run, CancellationToken cancellationToken)
    {
        var stage = run.StageAs<PromptStage>();
        var pending = await run.PendingUserAsync(cancellationToken);
        var data = run.Plan.Context[PlanContext.PromptData] as JsonObject ?? [];
        var scope = new PromptTemplate.Scope(run.Plan.PendingUserId() is null ? null : pending, run.RequestUser, data);
        var result = new List<StagePrompt>();
        foreach (var prompt in stage.Fields.OrderBy(p => p.Order).ThenBy(p => p.FieldKey, StringComparer.Ordinal))
        {
            var isChoice = prompt.Type is "radio-button-group" or "dropdown";
            List<PromptChoice>? choices = null;
            if (isChoice)
            {
                var raw = prompt.PlaceholderExpression
                    ? PromptTemplate.Render(prompt.Placeholder, scope).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    : [prompt.Placeholder];
                choices = [.. raw.Select(c => new PromptChoice(c, c))];
            }
            var placeholder = isChoice ? "" : prompt.PlaceholderExpression ? PromptTemplate.Render(prompt.Placeholder, scope) : prompt.Placeholder;
            // An earlier answer is shown as it is, never rendered: the person controls it.
            var initial = data[prompt.FieldKey] is JsonValue earlier
                ? (earlier.TryGetValue<string>(out var s) ? s : earlier.ToJsonString())
                : prompt.InitialValueExpression ? PromptTemplate.Render(prompt.InitialValue, scope) : prompt.InitialValue;
            if (isChoice && choices is not null && !choices.Any(c => c.Value == initial))
            {
                initial = choices.Count > 0 ? choices[0].Value : "";
            }
            result.Add(new StagePrompt(prompt.FieldKey, prompt.Label, prompt.Type, prompt.Required, placeholder, initial, prompt.Order, prompt.SubText, choices));
        }
        return result;
    }
}
