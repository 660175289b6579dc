using Warden.Api;
using Warden.Flows;

namespace Warden.Stages.Prompt;

/// <summary>authentik's <c>PromptChallenge</c>: the stage's fields, ordered by <c>order</c>.</summary>
[ApiSchema("PromptChallenge", Description = "Initial challenge being sent, define fields")]
public sealed record PromptChallenge(List<StagePrompt> Fields) : Challenge
{
    public const string ComponentName = "ak-stage-prompt";
}

/// <summary>authentik's <c>StagePrompt</c>: one field as the browser sees it (expressions already rendered).</summary>
[ApiSchema("StagePrompt", Description = "Serializer for a single Prompt field")]
public sealed record StagePrompt(
    string FieldKey,
    string Label,
    [property: ApiField(Choices = ["text", "text_area", "text_read_only", "text_area_read_only", "username", "email", "password", "number", "checkbox", "radio-button-group", "dropdown", "date", "date-time", "file", "separator", "hidden", "static", "alert_info", "alert_warning", "alert_danger", "ak-locale"], EnumName = "PromptTypeEnum")] string Type,
    bool Required,
    string Placeholder,
    string InitialValue,
    int Order,
    string SubText,
    List<PromptChoice>? Choices);

/// <summary>authentik's <c>PromptChoice</c>: one choice of a radio-button group or dropdown.</summary>
[ApiSchema("PromptChoice", Description = "Serializer for a single Choice field")]
public sealed record PromptChoice(string Value, string Label);
