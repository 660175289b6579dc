using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Warden.Api.OpenApi;

/// <summary>An OpenAPI document and what kept it from describing every endpoint fully (empty when all is well).</summary>
public sealed record OpenApiDocument(JsonObject Document, IReadOnlyList<string> Problems);

/// <summary>
/// Generates the OpenAPI 3.0.3 document of <c>/api/v3/</c> from the endpoints' metadata (<see cref="ApiOperation"/>,
/// <see cref="ApiRequestBody"/>, <see cref="ApiResponse"/>, <see cref="ApiQueryParameters"/>, <see cref="ApiPathParameter"/>
/// and the route pattern), in the structure of authentik's own document: paths relative to the <c>/api/v3</c>
/// server, every operation with 400 ValidationErrorResponse and 403 GenericErrorResponse unless it declares its own,
/// the <c>authentik</c> bearer scheme, shared list parameters as <c>components/parameters</c>.
/// </summary>
public static partial class OpenApiDocumentGenerator
{
    public const string ApiPrefix = "/api/v3";

    /// <summary>The authentik release whose API Warden's document describes.</summary>
    public const string AuthentikVersion = "2026.8.3";

    private static readonly string[] MethodOrder = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"];

    /// <summary>authentik's shared list parameters, referred to by name from every list operation.</summary>
    private static readonly (string Component, QueryParameter Parameter)[] SharedParameters =
    [
        ("QueryName", new QueryParameter("name", QueryType.String)),
        ("QueryPaginationOrdering", new QueryParameter("ordering", QueryType.String, "Which field to use when ordering the results.")),
        ("QueryPaginationPage", new QueryParameter("page", QueryType.Int, "A page number within the paginated result set.")),
        ("QueryPaginationPageSize", new QueryParameter("page_size", QueryType.Int, "Number of results to return per page.")),
        ("QuerySearch", new QueryParameter("search", QueryType.String, "A search term.")),
    ];

    public static OpenApiDocument Generate(IEnumerable<Endpoint> endpoints)
    {
        var problems = new List<string>();
        var components = new SchemaComponents(problems);
        var operations = new List<(string Path, string Method, JsonObject Operation)>();
        var operationIds = new HashSet<string>(StringComparer.Ordinal);
        var sharedParameters = new SortedSet<string>(StringComparer.Ordinal);

        foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
        {
            var route = endpoint.RoutePattern.RawText ?? "";
            if (!IsApiRoute(route) || endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true })
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var operation = endpoint.Metadata.GetMetadata<ApiOperation>();
            if (operation is null)
            {
                problems.Add($"{string.Join(",", methods)} {route} has no ApiOperation: add .Operation(\"<authentik operationId>\", \"<tag>\", \"<description>\")");
                continue;
            }
            if (methods.Count != 1)
            {
                problems.Add($"{operation.OperationId} ({route}) must answer exactly one HTTP method, not [{string.Join(", ", methods)}]");
                continue;
            }
            if (!operationIds.Add(operation.OperationId))
            {
                problems.Add($"operationId {operation.OperationId} is used by more than one endpoint ({route})");
                continue;
            }
            operations.Add((OpenApiPath(route), methods[0].ToUpperInvariant(), Operation(endpoint, operation, components, sharedParameters, problems)));
        }

        components.AddErrorSchemas();
        var paths = new JsonObject();
        foreach (var path in operations.GroupBy(o => o.Path).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var item = new JsonObject();
            foreach (var (_, method, operation) in path.OrderBy(o => Array.IndexOf(MethodOrder, o.Method)))
            {
                item[method.ToLowerInvariant()] = operation;
            }
            paths[path.Key] = item;
        }

        var document = new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = "Warden",
                ["version"] = AuthentikVersion,
                ["description"] = $"The operations of authentik's {AuthentikVersion} v3 API that Warden implements, with authentik's operationIds and shapes.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = components.ToJson(),
                ["parameters"] = SharedParameterComponents(components, sharedParameters),
                ["responses"] = new JsonObject
                {
                    ["GenericErrorResponse"] = ErrorResponse("GenericError"),
                    ["ValidationErrorResponse"] = ErrorResponse("ValidationError"),
                },
                ["securitySchemes"] = new JsonObject
                {
                    ["authentik"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer" },
                },
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = ApiPrefix }),
        };
        return new OpenApiDocument(document, problems);
    }

    /// <summary>Whether a route pattern is part of the authentik API the document describes.</summary>
    public static bool IsApiRoute(string route) => route.StartsWith(ApiPrefix + "/", StringComparison.Ordinal);

    /// <summary><c>/api/v3/core/users/{id:int}/</c> → <c>/core/users/{id}/</c>.</summary>
    public static string OpenApiPath(string route) => RouteParameter().Replace(route[ApiPrefix.Length..], "{$1}");

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex RouteParameter();

    private static JsonObject Operation(
        RouteEndpoint endpoint, ApiOperation operation, SchemaComponents components, ISet<string> sharedParameters, List<string> problems)
    {
        var result = new JsonObject { ["operationId"] = operation.OperationId };
        if (operation.Description is { } description)
        {
            result["description"] = description;
        }

        var parameters = new JsonArray();
        foreach (var parameter in PathParameters(endpoint))
        {
            parameters.Add(parameter);
        }
        var query = endpoint.Metadata.GetOrderedMetadata<ApiQueryParameters>()
            .SelectMany(q => q.Parameters)
            .DistinctBy(p => p.Name)
            .OrderBy(p => p.Name, StringComparer.Ordinal);
        foreach (var parameter in query)
        {
            parameters.Add(QueryParameterObject(parameter, components, sharedParameters));
        }
        if (parameters.Count > 0)
        {
            result["parameters"] = parameters;
        }

        result["tags"] = new JsonArray(operation.Tag);

        if (endpoint.Metadata.GetMetadata<ApiRequestBody>() is { } body)
        {
            var requestBody = new JsonObject
            {
                ["content"] = new JsonObject
                {
                    ["application/json"] = new JsonObject { ["schema"] = components.RequestBody(body.Type, body.Partial) },
                },
            };
            // A partial update sends any subset, so DRF's schema never marks its body required.
            if (body.Required && !body.Partial)
            {
                requestBody["required"] = true;
            }
            result["requestBody"] = requestBody;
        }

        // authentik lets anonymous callers reach some operations: the empty requirement says so.
        result["security"] = operation.Anonymous
            ? new JsonArray(new JsonObject { ["authentik"] = new JsonArray() }, new JsonObject())
            : new JsonArray(new JsonObject { ["authentik"] = new JsonArray() });

        var declared = endpoint.Metadata.GetOrderedMetadata<ApiResponse>();
        if (!declared.Any(r => r.Status is >= 200 and < 400))
        {
            problems.Add($"{operation.OperationId} documents no success response: add .Response<T>(status) or .NoContent()");
        }
        var responses = new SortedDictionary<int, JsonNode>();
        foreach (var response in declared)
        {
            responses[response.Status] = ResponseObject(response, components);
        }
        responses.TryAdd(StatusCodes.Status400BadRequest, new JsonObject { ["$ref"] = "#/components/responses/ValidationErrorResponse" });
        responses.TryAdd(StatusCodes.Status403Forbidden, new JsonObject { ["$ref"] = "#/components/responses/GenericErrorResponse" });
        var responsesObject = new JsonObject();
        foreach (var (status, response) in responses)
        {
            responsesObject[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
        }
        result["responses"] = responsesObject;
        return result;
    }

    private static JsonObject ResponseObject(ApiResponse response, SchemaComponents components)
    {
        if (response.Type is null)
        {
            return new JsonObject
            {
                ["description"] = response.Description ?? (response.Status == StatusCodes.Status204NoContent ? "No response body" : ""),
            };
        }
        var content = new JsonObject();
        foreach (var contentType in response.ContentTypes ?? ["application/json"])
        {
            content[contentType] = new JsonObject { ["schema"] = components.Response(response.Type) };
        }
        return new JsonObject { ["content"] = content, ["description"] = response.Description ?? "" };
    }

    /// <summary>
    /// Route parameters, typed by <see cref="ApiPathParameter"/> (the endpoint's, else its group's), else the route constraint (<c>{id:int}</c>),
    /// else the handler's parameter of that name; anything else is a string.
    /// </summary>
    private static IEnumerable<JsonObject> PathParameters(RouteEndpoint endpoint)
    {
        // Group declarations come first in the metadata, so the endpoint's own declaration of a name wins.
        var declared = new Dictionary<string, ApiPathParameter>(StringComparer.Ordinal);
        foreach (var declaration in endpoint.Metadata.GetOrderedMetadata<ApiPathParameter>())
        {
            declared[declaration.Name] = declaration;
        }
        var handler = endpoint.Metadata.GetMetadata<MethodInfo>();
        foreach (var parameter in endpoint.RoutePattern.Parameters)
        {
            declared.TryGetValue(parameter.Name, out var explicitParameter);
            var type = explicitParameter?.Type ?? ConstraintType(parameter) ?? HandlerType(handler, parameter.Name) ?? QueryType.String;
            var result = new JsonObject
            {
                ["in"] = "path",
                ["name"] = parameter.Name,
                ["schema"] = type switch
                {
                    QueryType.Int => new JsonObject { ["type"] = "integer" },
                    QueryType.Uuid => new JsonObject { ["type"] = "string", ["format"] = "uuid" },
                    QueryType.Bool => new JsonObject { ["type"] = "boolean" },
                    QueryType.DateTime => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
                    _ => new JsonObject { ["type"] = "string" },
                },
            };
            if (explicitParameter?.Description is { } description)
            {
                result["description"] = description;
            }
            result["required"] = true;
            yield return result;
        }
    }

    private static QueryType? ConstraintType(RoutePatternParameterPart parameter)
    {
        foreach (var policy in parameter.ParameterPolicies)
        {
            switch (policy.Content)
            {
                case "int" or "long":
                    return QueryType.Int;
                case "guid":
                    return QueryType.Uuid;
                case "bool":
                    return QueryType.Bool;
                case "datetime":
                    return QueryType.DateTime;
            }
        }
        return null;
    }

    private static QueryType? HandlerType(MethodInfo? handler, string name)
    {
        var parameter = handler?.GetParameters().FirstOrDefault(p =>
            string.Equals(p.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromRouteAttribute>()?.Name ?? p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (parameter is null)
        {
            return null;
        }
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        return type == typeof(int) || type == typeof(long) ? QueryType.Int
            : type == typeof(Guid) ? QueryType.Uuid
            : type == typeof(bool) ? QueryType.Bool
            : type == typeof(DateTime) || type == typeof(DateTimeOffset) ? QueryType.DateTime
            : null;
    }

    private static JsonObject QueryParameterObject(QueryParameter parameter, SchemaComponents components, ISet<string> sharedParameters)
    {
        foreach (var (component, shared) in SharedParameters)
        {
            if (shared.Name == parameter.Name && shared.Type == parameter.Type && parameter.Choices is null && !parameter.Required)
            {
                sharedParameters.Add(component);
                return new JsonObject { ["$ref"] = "#/components/parameters/" + component };
            }
        }
        return QueryParameterInline(parameter, components);
    }

    private static JsonObject QueryParameterInline(QueryParameter parameter, SchemaComponents components)
    {
        var result = new JsonObject
        {
            ["in"] = "query",
            ["name"] = parameter.Name,
            ["schema"] = components.QuerySchema(parameter),
        };
        if (parameter.Description is { } description)
        {
            result["description"] = description;
        }
        if (parameter.Required)
        {
            result["required"] = true;
        }
        if (parameter is { Type: QueryType.StringArray or QueryType.UuidArray or QueryType.IntArray, DeclareStyle: true })
        {
            // Repeated parameters (?type=a&type=b), as django-filter's multiple choice filters read them.
            result["explode"] = true;
            result["style"] = "form";
        }
        return result;
    }

    /// <summary>The shared parameters the operations refer to (authentik's document has them all; an unused one is lint).</summary>
    private static JsonObject SharedParameterComponents(SchemaComponents components, ISet<string> used)
    {
        var result = new JsonObject();
        foreach (var (component, parameter) in SharedParameters.Where(p => used.Contains(p.Component)))
        {
            result[component] = QueryParameterInline(parameter, components);
        }
        return result;
    }

    private static JsonObject ErrorResponse(string schema) => new()
    {
        ["content"] = new JsonObject
        {
            ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/" + schema } },
        },
        ["description"] = "",
    };
}
