namespace Warden.Api;

/// <summary>
/// authentik's <c>UsedBy</c> entry, the answer of every <c>used_by</c> action: an object that references the queried
/// one, and what happens to it when the queried object is deleted (<c>cascade</c>, <c>cascade_many</c>,
/// <c>set_null</c>, <c>set_default</c>, <c>left_dangling</c>).
/// </summary>
[ApiSchema("UsedBy", Description = "A list of all objects referencing the queried object")]
public sealed record UsedByResponse(
    string App,
    string ModelName,
    string Pk,
    string Name,
    [property: ApiField(Choices = ["cascade", "cascade_many", "set_null", "set_default", "left_dangling"], EnumName = "UsedByActionEnum")] string Action);
