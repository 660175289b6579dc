namespace Warden.Api;

/// <summary>Endpoint metadata read by the OpenAPI generator: authentik's operationId, tag and description.</summary>
public sealed record ApiOperation(string OperationId, string Tag, string? Description = null, bool Anonymous = false);

/// <summary>The request record of an endpoint; <see cref="Partial"/> makes it authentik's <c>Patched…Request</c>.</summary>
public sealed record ApiRequestBody(Type Type, bool Partial, bool Required = true);

/// <summary>
/// A response an endpoint documents (type null for no body). <see cref="ContentTypes"/> lists the media types
/// the body is offered in (default <c>application/json</c>). Declaring a 400 or 403 replaces the default
/// ValidationErrorResponse / GenericErrorResponse every operation otherwise documents.
/// </summary>
public sealed record ApiResponse(int Status, Type? Type, string? Description = null, IReadOnlyList<string>? ContentTypes = null);

/// <summary>The query parameters an endpoint documents.</summary>
public sealed record ApiQueryParameters(IReadOnlyList<QueryParameter> Parameters);

/// <summary>
/// The type of a route parameter for the OpenAPI document, when neither a route constraint (<c>{id:int}</c>)
/// nor the handler's parameter type says it (a handler that takes <c>string id</c> to answer DRF's own 404).
/// It takes precedence over both.
/// </summary>
public sealed record ApiPathParameter(string Name, QueryType Type, string? Description = null);

public static class ApiEndpointConventions
{
    /// <summary>Names the operation as authentik does (the operationId is also the endpoint name).</summary>
    public static RouteHandlerBuilder Operation(this RouteHandlerBuilder builder, string operationId, string tag, string? description = null, bool anonymous = false) =>
        builder.WithName(operationId).WithMetadata(new ApiOperation(operationId, tag, description, anonymous));

    public static RouteHandlerBuilder Request<T>(this RouteHandlerBuilder builder, bool partial = false, bool required = true) =>
        builder.WithMetadata(new ApiRequestBody(typeof(T), partial, required));

    public static RouteHandlerBuilder Response<T>(this RouteHandlerBuilder builder, int status = StatusCodes.Status200OK, string? description = null) =>
        builder.WithMetadata(new ApiResponse(status, typeof(T), description));

    public static RouteHandlerBuilder NoContent(this RouteHandlerBuilder builder, int status = StatusCodes.Status204NoContent, string? description = null) =>
        builder.WithMetadata(new ApiResponse(status, null, description));

    public static RouteHandlerBuilder Query(this RouteHandlerBuilder builder, IEnumerable<QueryParameter> parameters) =>
        builder.WithMetadata(new ApiQueryParameters(parameters.ToList()));

    /// <summary>
    /// Documents a route parameter's type, e.g. <c>.PathParameter("id", QueryType.Int)</c>, on one endpoint or on a
    /// route group (every endpoint of the group whose route has that parameter; an endpoint's own declaration wins).
    /// </summary>
    public static TBuilder PathParameter<TBuilder>(this TBuilder builder, string name, QueryType type, string? description = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiPathParameter(name, type, description));

    /// <summary>Anonymous callers get 403 <c>Authentication credentials were not provided.</c> before the handler runs.</summary>
    public static TBuilder RequireActor<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            if (!Core.RequestIdentityExtensions.Identity(context.HttpContext).IsAuthenticated)
            {
                return ApiErrors.NotAuthenticated();
            }
            return await next(context);
        });
}
