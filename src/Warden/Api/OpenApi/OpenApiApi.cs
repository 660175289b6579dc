using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;

namespace Warden.Api.OpenApi;

/// <summary><c>GET /api/v3/schema/</c>: the OpenAPI document, generated from the endpoints Warden maps.</summary>
public static partial class OpenApiApi
{
    private const string JsonMediaType = "application/json";
    private const string OpenApiJsonMediaType = "application/vnd.oai.openapi+json";
    private const string OpenApiYamlMediaType = "application/vnd.oai.openapi";
    private const string YamlMediaType = "application/yaml";

    /// <summary>Maps the schema endpoint; call it after every other <c>Map…Api</c>, though the document is built on first use.</summary>
    public static IEndpointRouteBuilder MapOpenApiDocument(this IEndpointRouteBuilder app)
    {
        var document = new SchemaDocument(app);
        app.MapGet("/api/v3/schema/", (HttpContext context, ILoggerFactory loggers) => GetSchema(context, document, loggers))
            .Operation("schema_retrieve", "schema",
                "OpenApi3 schema for this API. Format can be selected via content negotiation.\n\n- YAML: application/vnd.oai.openapi\n- JSON: application/vnd.oai.openapi+json",
                anonymous: true)
            .Query([new QueryParameter("format", QueryType.String, EnumName: "FormatEnum", Choices: ["json", "yaml"])])
            .WithMetadata(new ApiResponse(StatusCodes.Status200OK, typeof(JsonObject),
                ContentTypes: [OpenApiYamlMediaType, YamlMediaType, OpenApiJsonMediaType, JsonMediaType]));
        return app;
    }

    private static IResult GetSchema(HttpContext context, SchemaDocument document, ILoggerFactory loggers)
    {
        var format = context.Request.Query["format"].ToString();
        string? mediaType = format switch
        {
            "json" => OpenApiJsonMediaType,
            "yaml" => OpenApiYamlMediaType,
            // DRF answers an unknown ?format= with 404.
            "" => Negotiate(context.Request),
            _ => null,
        };
        if (mediaType is null)
        {
            return format.Length > 0
                ? ApiErrors.Detail(StatusCodes.Status404NotFound, "Not found.")
                : ApiErrors.Detail(StatusCodes.Status406NotAcceptable, "Could not satisfy the request Accept header.");
        }
        var generated = document.Get(loggers.CreateLogger("Warden.OpenApi"));
        var yaml = mediaType is OpenApiYamlMediaType or YamlMediaType;
        return TypedResults.Text(yaml ? generated.Yaml.Value : generated.Json.Value, mediaType + "; charset=utf-8");
    }

    /// <summary>JSON unless the Accept header prefers YAML; null when it accepts neither.</summary>
    private static string? Negotiate(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return JsonMediaType;
        }
        foreach (var value in accept.OrderByDescending(a => a.Quality ?? 1.0))
        {
            if (value.Quality is 0)
            {
                continue;
            }
            var type = value.MediaType.Value?.ToLowerInvariant();
            switch (type)
            {
                case OpenApiJsonMediaType or JsonMediaType:
                    return type;
                case OpenApiYamlMediaType or YamlMediaType:
                    return type;
                case "application/x-yaml" or "text/yaml":
                    return YamlMediaType;
                case "*/*" or "application/*":
                    return JsonMediaType;
            }
        }
        return null;
    }

    /// <summary>The document of one application, generated once its endpoints are all mapped (on first request).</summary>
    private sealed class SchemaDocument(IEndpointRouteBuilder app)
    {
        private readonly Lock _gate = new();
        private Generated? _generated;

        public Generated Get(ILogger logger)
        {
            lock (_gate)
            {
                if (_generated is null)
                {
                    var document = OpenApiDocumentGenerator.Generate(app.DataSources.SelectMany(s => s.Endpoints));
                    foreach (var problem in document.Problems)
                    {
                        LogProblem(logger, problem);
                    }
                    _generated = new Generated(document.Document);
                }
                return _generated;
            }
        }
    }

    private sealed class Generated(JsonObject document)
    {
        public Lazy<string> Json { get; } = new(() => document.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));

        public Lazy<string> Yaml { get; } = new(() => OpenApiYaml.Write(document));
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "OpenAPI document: {Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);
}
