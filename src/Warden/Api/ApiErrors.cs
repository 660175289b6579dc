using Microsoft.AspNetCore.Http.HttpResults;

namespace Warden.Api;

/// <summary>
/// The one place that shapes Django REST framework's error bodies, so they never drift apart:
/// <c>{"field": ["msg"]}</c>, <c>{"non_field_errors": [...]}</c> and <c>{"detail": ...}</c>.
/// </summary>
public static class ApiErrors
{
    public const string NonFieldErrors = "non_field_errors";
    public const string NotAuthenticatedMessage = "Authentication credentials were not provided.";
    public const string PermissionDeniedMessage = "You do not have permission to perform this action.";
    public const string TokenInvalidMessage = "Token invalid/expired";

    public static JsonHttpResult<GenericError> Detail(int status, string detail, string? code = null) =>
        TypedResults.Json(new GenericError(detail, code), ApiJson.Options, statusCode: status);

    /// <summary>403 for a caller with no credentials (authentik answers 403, not 401).</summary>
    public static JsonHttpResult<GenericError> NotAuthenticated() => Detail(StatusCodes.Status403Forbidden, NotAuthenticatedMessage);

    public static JsonHttpResult<GenericError> PermissionDenied() => Detail(StatusCodes.Status403Forbidden, PermissionDeniedMessage);

    /// <summary>404 as Django REST framework 3.17 words it: <c>No User matches the given query.</c></summary>
    public static JsonHttpResult<GenericError> NotFound(string modelName) =>
        Detail(StatusCodes.Status404NotFound, $"No {modelName} matches the given query.");

    public static JsonHttpResult<GenericError> MethodNotAllowed(string method) =>
        Detail(StatusCodes.Status405MethodNotAllowed, $"Method \"{method}\" not allowed.");

    public static JsonHttpResult<Dictionary<string, List<string>>> Field(string field, string message) =>
        new ValidationErrors().Add(field, message).ToResult();

    public static JsonHttpResult<Dictionary<string, List<string>>> NonField(string message) =>
        new ValidationErrors().AddNonField(message).ToResult();

    /// <summary>A bare-string DRF ValidationError: the body is a JSON array of messages.</summary>
    public static JsonHttpResult<string[]> List(params string[] messages) =>
        TypedResults.Json(messages, ApiJson.Options, statusCode: StatusCodes.Status400BadRequest);
}

/// <summary>authentik's <c>GenericError</c>: <c>{"detail": "...", "code": "..."}</c> (code omitted when null).</summary>
public sealed record GenericError(
    string Detail,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? Code = null);

/// <summary>Collects field and non-field errors in the order they were found, as a DRF serializer does.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public bool Has(string field) => _errors.ContainsKey(field);

    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            list = [];
            _errors[field] = list;
        }
        list.Add(message);
        return this;
    }

    public ValidationErrors AddNonField(string message) => Add(ApiErrors.NonFieldErrors, message);

    /// <summary>DRF's PrimaryKeyRelatedField message for a key that matches nothing the caller may use.</summary>
    public ValidationErrors InvalidPk(string field, object value) =>
        Add(field, $"Invalid pk \"{value}\" - object does not exist.");

    public JsonHttpResult<Dictionary<string, List<string>>> ToResult() =>
        TypedResults.Json(_errors, ApiJson.Options, statusCode: StatusCodes.Status400BadRequest);
}
