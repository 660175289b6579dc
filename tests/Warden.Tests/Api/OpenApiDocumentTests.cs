using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warden.Api;
using Warden.Api.OpenApi;
using Warden.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Warden.Tests.Api;

/// <summary>
/// The OpenAPI document at /api/v3/schema/: generated from endpoint metadata in authentik's structure, and complete:
/// every /api/v3 endpoint of the real application must carry the metadata it is generated from.
/// (The document does not depend on the database, so these run on SQLite only.)
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryApiEndpointIsDescribedWithoutProblems()
    {
        await using var app = await TestApp.StartAsync();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => OpenApiDocumentGenerator.IsApiRoute(e.RoutePattern.RawText ?? ""))
            .ToList();
        Assert.NotEmpty(endpoints);
        var undescribed = endpoints.Where(e => e.Metadata.GetMetadata<ApiOperation>() is null).Select(e => e.RoutePattern.RawText).ToList();
        Assert.True(undescribed.Count == 0, "endpoints without .Operation(...): " + string.Join(", ", undescribed));

        var document = OpenApiDocumentGenerator.Generate(endpoints);
        Assert.True(document.Problems.Count == 0, "OpenAPI problems:\n" + string.Join("\n", document.Problems));
        var operationIds = document.Document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => m.Value!["operationId"]!.GetValue<string>()))
            .ToList();
        Assert.Equal(endpoints.Count, operationIds.Count);
        Assert.Equal(operationIds.Count, operationIds.Distinct().Count());
    }

    [Fact]
    public async Task SchemaIsServedAsJsonByDefaultWithRootConfigInAuthentiksShape()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.Anonymous().GetAsync("/api/v3/schema/", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = await response.BodyAsync();

        Assert.Equal("3.0.3", document["openapi"]!.GetValue<string>());
        AssertJson("""[{"url": "/api/v3"}]""", document["servers"]);
        AssertJson("""
            {"get": {
              "operationId": "root_config_retrieve",
              "description": "Retrieve public configuration options",
              "tags": ["root"],
              "security": [{"authentik": []}, {}],
              "responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Config"}}}, "description": ""},
                "400": {"$ref": "#/components/responses/ValidationErrorResponse"},
                "403": {"$ref": "#/components/responses/GenericErrorResponse"}}}}
            """, document["paths"]!["/root/config/"]);
        var components = document["components"]!;
        AssertJson("""
            {"type": "object", "description": "Serialize authentik Config into DRF Object",
             "properties": {
               "error_reporting": {"$ref": "#/components/schemas/ErrorReportingConfig"},
               "capabilities": {"type": "array", "items": {"$ref": "#/components/schemas/CapabilitiesEnum"}},
               "cache_timeout": {"type": "integer"},
               "cache_timeout_flows": {"type": "integer"},
               "cache_timeout_policies": {"type": "integer"}},
             "required": ["cache_timeout", "cache_timeout_flows", "cache_timeout_policies", "capabilities", "error_reporting"]}
            """, components["schemas"]!["Config"]);
        AssertJson("""
            {"type": "object", "description": "Config for error reporting",
             "properties": {
               "enabled": {"type": "boolean", "readOnly": true},
               "sentry_dsn": {"type": "string", "readOnly": true},
               "environment": {"type": "string", "readOnly": true},
               "send_pii": {"type": "boolean", "readOnly": true},
               "traces_sample_rate": {"type": "number", "format": "double", "readOnly": true}},
             "required": ["enabled", "environment", "send_pii", "sentry_dsn", "traces_sample_rate"]}
            """, components["schemas"]!["ErrorReportingConfig"]);
        AssertJson("""
            {"enum": ["can_save_media", "can_save_reports", "can_geo_ip", "can_asn", "can_impersonate", "can_debug",
                      "is_enterprise", "can_request", "can_agent_self_service"], "type": "string"}
            """, components["schemas"]!["CapabilitiesEnum"]);
        AssertJson("""
            {"type": "object", "properties": {"detail": {"type": "string"}, "code": {"type": "string"}}, "required": ["detail"]}
            """, components["schemas"]!["GenericError"]);
        AssertJson("""
            {"type": "object", "description": "Validation Error",
             "properties": {"non_field_errors": {"type": "array", "items": {"type": "string"}}, "code": {"type": "string"}},
             "additionalProperties": {}}
            """, components["schemas"]!["ValidationError"]);
        AssertJson("""
            {"GenericErrorResponse": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/GenericError"}}}, "description": ""},
             "ValidationErrorResponse": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ValidationError"}}}, "description": ""}}
            """, components["responses"]);
        AssertJson("""{"authentik": {"type": "http", "scheme": "bearer"}}""", components["securitySchemes"]);
        Assert.Equal("schema_retrieve", document["paths"]!["/schema/"]!["get"]!["operationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task SchemaIsServedAsYamlWhenAskedAndReadsBackToTheSameDocument()
    {
        await using var app = await TestApp.StartAsync();
        var client = app.Anonymous();
        var json = await (await client.GetAsync("/api/v3/schema/?format=json", Cancel)).BodyAsync();

        var byQuery = await client.GetAsync("/api/v3/schema/?format=yaml", Cancel);
        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
        Assert.Equal("application/vnd.oai.openapi", byQuery.Content.Headers.ContentType?.MediaType);
        var yaml = await byQuery.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("operationId: root_config_retrieve", yaml, StringComparison.Ordinal);
        AssertJson(json.ToJsonString(), YamlToJson(yaml));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v3/schema/");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/yaml"));
        var byAccept = await client.SendAsync(request, Cancel);
        Assert.Equal("application/yaml", byAccept.Content.Headers.ContentType?.MediaType);
        AssertJson(json.ToJsonString(), YamlToJson(await byAccept.Content.ReadAsStringAsync(Cancel)));
    }

    [Fact]
    public async Task UnknownFormatIsNotFoundAndUnsatisfiableAcceptIsNotAcceptable()
    {
        await using var app = await TestApp.StartAsync();
        var client = app.Anonymous();
        await (await client.GetAsync("/api/v3/schema/?format=xml", Cancel)).AssertJsonAsync(404, """{"detail": "Not found."}""");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v3/schema/");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        await (await client.SendAsync(request, Cancel)).AssertJsonAsync(406, """{"detail": "Could not satisfy the request Accept header."}""");
    }

    [Fact]
    public void EndpointWithoutOperationMetadataIsReported()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        app.MapGet("/api/v3/test/undescribed/", () => TypedResults.Ok());
        app.MapGet("/api/v3/test/described/", () => TypedResults.Ok()).Operation("test_described_retrieve", "test").NoContent(200);
        app.MapGet("/api/v3/test/nothing/", () => TypedResults.Ok()).Operation("test_nothing_retrieve", "test");

        var document = OpenApiDocumentGenerator.Generate(Endpoints(app));

        Assert.Equal(2, document.Problems.Count);
        Assert.Contains("GET /api/v3/test/undescribed/ has no ApiOperation", document.Problems[0], StringComparison.Ordinal);
        Assert.Contains("test_nothing_retrieve documents no success response", document.Problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void TwoTypesClaimingOneComponentNameAreReported()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        app.MapGet("/api/v3/test/a/", () => TypedResults.Ok()).Operation("test_a_retrieve", "test").Response<Widget>();
        app.MapGet("/api/v3/test/b/", () => TypedResults.Ok()).Operation("test_b_retrieve", "test").Response<ImpostorWidget>();

        var document = OpenApiDocumentGenerator.Generate(Endpoints(app));

        var problem = Assert.Single(document.Problems);
        Assert.Contains("OpenAPI component 'Widget' is claimed by", problem, StringComparison.Ordinal);
    }

    /// <summary>A viewset's worth of test-only endpoints, described the way feature code describes them.</summary>
    [Fact]
    public void ViewsetEndpointsBecomeAuthentikShapedOperationsAndComponents()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        var list = new QueryParameter[]
        {
            new("is_active", QueryType.Bool),
            new("kind", QueryType.StringArray, EnumName: "WidgetKindEnum", Choices: ["internal", "external"]),
            new("name", QueryType.String),
            new("ordering", QueryType.String, "Which field to use when ordering the results."),
            new("page", QueryType.Int, "A page number within the paginated result set."),
            new("page_size", QueryType.Int, "Number of results to return per page."),
            new("search", QueryType.String, "A search term."),
            new("uuid", QueryType.Uuid),
        };
        var widgets = app.MapGroup("/api/v3/test/widgets");
        widgets.MapGet("/", () => TypedResults.Ok()).Operation("test_widgets_list", "test", "Widget Viewset").Query(list).Response<Paginated<Widget>>();
        widgets.MapPost("/", () => TypedResults.Ok()).Operation("test_widgets_create", "test", "Widget Viewset").Request<WidgetRequest>().Response<Widget>(201);
        widgets.MapGet("/{id:int}/", () => TypedResults.Ok()).Operation("test_widgets_retrieve", "test", "Widget Viewset").Response<Widget>();
        widgets.MapPatch("/{id:int}/", () => TypedResults.Ok()).Operation("test_widgets_partial_update", "test", "Widget Viewset")
            .Request<WidgetRequest>(partial: true).Response<Widget>();
        widgets.MapDelete("/{id:int}/", () => TypedResults.Ok()).Operation("test_widgets_destroy", "test", "Widget Viewset").NoContent();
        widgets.MapPost("/{widget_uuid}/lock/", (Guid widget_uuid) => TypedResults.Ok()).Operation("test_widgets_lock_create", "test")
            .Request<WidgetLockRequest>(required: false).Response<WidgetLink>().NoContent(400, "No lock flow configured");
        widgets.MapGet("/by_slug/{slug}/", (string slug) => TypedResults.Ok()).Operation("test_widgets_by_slug_retrieve", "test", anonymous: true)
            .PathParameter("slug", QueryType.String, "The widget's slug").Response<Widget>();
        widgets.MapGet("/by_number/{number}/", (string number) => TypedResults.Ok()).Operation("test_widgets_by_number_retrieve", "test")
            .PathParameter("number", QueryType.Int).Response<Widget>();

        var document = OpenApiDocumentGenerator.Generate(Endpoints(app));

        Assert.Empty(document.Problems);
        var paths = document.Document["paths"]!;
        AssertJson("""
            {"get": {
               "operationId": "test_widgets_list", "description": "Widget Viewset",
               "parameters": [
                 {"in": "query", "name": "is_active", "schema": {"type": "boolean"}},
                 {"in": "query", "name": "kind", "schema": {"type": "array", "items": {"$ref": "#/components/schemas/WidgetKindEnum"}}, "explode": true, "style": "form"},
                 {"$ref": "#/components/parameters/QueryName"},
                 {"$ref": "#/components/parameters/QueryPaginationOrdering"},
                 {"$ref": "#/components/parameters/QueryPaginationPage"},
                 {"$ref": "#/components/parameters/QueryPaginationPageSize"},
                 {"$ref": "#/components/parameters/QuerySearch"},
                 {"in": "query", "name": "uuid", "schema": {"type": "string", "format": "uuid"}}],
               "tags": ["test"],
               "security": [{"authentik": []}],
               "responses": {
                 "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PaginatedWidgetList"}}}, "description": ""},
                 "400": {"$ref": "#/components/responses/ValidationErrorResponse"},
                 "403": {"$ref": "#/components/responses/GenericErrorResponse"}}},
             "post": {
               "operationId": "test_widgets_create", "description": "Widget Viewset",
               "tags": ["test"],
               "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/WidgetRequest"}}}, "required": true},
               "security": [{"authentik": []}],
               "responses": {
                 "201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}, "description": ""},
                 "400": {"$ref": "#/components/responses/ValidationErrorResponse"},
                 "403": {"$ref": "#/components/responses/GenericErrorResponse"}}}}
            """, paths["/test/widgets/"]);
        var id = """{"in": "path", "name": "id", "schema": {"type": "integer"}, "required": true}""";
        AssertJson("""
            {"operationId": "test_widgets_partial_update", "description": "Widget Viewset",
             "parameters": [ID],
             "tags": ["test"],
             "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PatchedWidgetRequest"}}}},
             "security": [{"authentik": []}],
             "responses": {
               "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}, "description": ""},
               "400": {"$ref": "#/components/responses/ValidationErrorResponse"},
               "403": {"$ref": "#/components/responses/GenericErrorResponse"}}}
            """.Replace("ID", id, StringComparison.Ordinal), paths["/test/widgets/{id}/"]!["patch"]);
        AssertJson("""
            {"operationId": "test_widgets_destroy", "description": "Widget Viewset",
             "parameters": [ID],
             "tags": ["test"],
             "security": [{"authentik": []}],
             "responses": {
               "204": {"description": "No response body"},
               "400": {"$ref": "#/components/responses/ValidationErrorResponse"},
               "403": {"$ref": "#/components/responses/GenericErrorResponse"}}}
            """.Replace("ID", id, StringComparison.Ordinal), paths["/test/widgets/{id}/"]!["delete"]);
        Assert.Equal(["get", "patch", "delete"], paths["/test/widgets/{id}/"]!.AsObject().Select(m => m.Key));
        AssertJson("""
            {"post": {
               "operationId": "test_widgets_lock_create",
               "parameters": [{"in": "path", "name": "widget_uuid", "schema": {"type": "string", "format": "uuid"}, "required": true}],
               "tags": ["test"],
               "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/WidgetLockRequest"}}}},
               "security": [{"authentik": []}],
               "responses": {
                 "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Link"}}}, "description": ""},
                 "400": {"description": "No lock flow configured"},
                 "403": {"$ref": "#/components/responses/GenericErrorResponse"}}}}
            """, paths["/test/widgets/{widget_uuid}/lock/"]);
        AssertJson("""
            [{"in": "path", "name": "slug", "schema": {"type": "string"}, "description": "The widget's slug", "required": true}]
            """, paths["/test/widgets/by_slug/{slug}/"]!["get"]!["parameters"]);
        AssertJson("""[{"authentik": []}, {}]""", paths["/test/widgets/by_slug/{slug}/"]!["get"]!["security"]);
        AssertJson("""[{"in": "path", "name": "number", "schema": {"type": "integer"}, "required": true}]""",
            paths["/test/widgets/by_number/{number}/"]!["get"]!["parameters"]);

        AssertJson("""
            {"QueryName": {"in": "query", "name": "name", "schema": {"type": "string"}},
             "QueryPaginationOrdering": {"in": "query", "name": "ordering", "schema": {"type": "string"}, "description": "Which field to use when ordering the results."},
             "QueryPaginationPage": {"in": "query", "name": "page", "schema": {"type": "integer"}, "description": "A page number within the paginated result set."},
             "QueryPaginationPageSize": {"in": "query", "name": "page_size", "schema": {"type": "integer"}, "description": "Number of results to return per page."},
             "QuerySearch": {"in": "query", "name": "search", "schema": {"type": "string"}, "description": "A search term."}}
            """, document.Document["components"]!["parameters"]);
        var schemas = document.Document["components"]!["schemas"]!;
        AssertJson("""
            {"type": "object", "description": "Widget Serializer",
             "properties": {
               "pk": {"type": "integer", "readOnly": true},
               "name": {"type": "string", "maxLength": 150},
               "email": {"type": "string", "format": "email", "maxLength": 254},
               "is_active": {"type": "boolean"},
               "last_login": {"type": "string", "format": "date-time", "nullable": true},
               "kind": {"$ref": "#/components/schemas/WidgetKindEnum"},
               "state": {"allOf": [{"$ref": "#/components/schemas/WidgetStateEnum"}], "readOnly": true},
               "groups": {"type": "array", "items": {"type": "string", "format": "uuid"}},
               "groups_obj": {"type": "array", "items": {"$ref": "#/components/schemas/PartialGroup"}, "readOnly": true, "nullable": true},
               "owner": {"allOf": [{"$ref": "#/components/schemas/PartialGroup"}], "readOnly": true, "nullable": true},
               "attributes": {"type": "object", "additionalProperties": {}},
               "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
               "uuid": {"type": "string", "format": "uuid", "readOnly": true},
               "size": {"type": "integer", "format": "int64", "readOnly": true},
               "home": {"type": "string", "format": "uri", "readOnly": true}},
             "required": ["counts", "groups_obj", "home", "name", "owner", "pk", "size", "state", "uuid"]}
            """, schemas["Widget"]);
        AssertJson("""
            {"type": "object", "description": "Widget Serializer",
             "properties": {
               "name": {"type": "string", "minLength": 1, "maxLength": 150},
               "email": {"type": "string", "format": "email", "maxLength": 254},
               "is_active": {"type": "boolean"},
               "last_login": {"type": "string", "format": "date-time", "nullable": true},
               "kind": {"$ref": "#/components/schemas/WidgetKindEnum"},
               "groups": {"type": "array", "items": {"type": "string", "format": "uuid"}},
               "attributes": {"type": "object", "additionalProperties": {}},
               "counts": {"type": "object", "additionalProperties": {}},
               "code": {"type": "string", "minLength": 4, "pattern": "^[a-z]+$", "description": "A lower-case code"}},
             "required": ["counts", "name"]}
            """, schemas["WidgetRequest"]);
        Assert.Null(schemas["PatchedWidgetRequest"]!["required"]);
        Assert.Equal(schemas["WidgetRequest"]!["properties"]!.ToJsonString(), schemas["PatchedWidgetRequest"]!["properties"]!.ToJsonString());
        AssertJson("""
            {"type": "object",
             "properties": {
               "pagination": {"$ref": "#/components/schemas/Pagination"},
               "results": {"type": "array", "items": {"$ref": "#/components/schemas/Widget"}},
               "autocomplete": {"$ref": "#/components/schemas/Autocomplete"}},
             "required": ["autocomplete", "pagination", "results"]}
            """, schemas["PaginatedWidgetList"]);
        AssertJson("""
            {"type": "object",
             "properties": {"next": {"type": "number"}, "previous": {"type": "number"}, "count": {"type": "number"},
               "current": {"type": "number"}, "total_pages": {"type": "number"}, "start_index": {"type": "number"}, "end_index": {"type": "number"}},
             "required": ["count", "current", "end_index", "next", "previous", "start_index", "total_pages"]}
            """, schemas["Pagination"]);
        AssertJson("""{"type": "object", "additionalProperties": {}}""", schemas["Autocomplete"]);
        AssertJson("""{"enum": ["internal", "external"], "type": "string"}""", schemas["WidgetKindEnum"]);
        AssertJson("""{"enum": ["active", "locked_out", "gone"], "type": "string"}""", schemas["WidgetStateEnum"]);
        AssertJson("""
            {"type": "object", "properties": {"pk": {"type": "string", "format": "uuid"}, "name": {"type": "string"}}, "required": ["name", "pk"]}
            """, schemas["PartialGroup"]);
        AssertJson("""
            {"type": "object", "properties": {"user": {"type": "integer", "nullable": true, "description": "User to lock"}}}
            """, schemas["WidgetLockRequest"]);
        AssertJson("""{"type": "object", "properties": {"link": {"type": "string"}}, "required": ["link"]}""", schemas["Link"]);
    }

    [Fact]
    public void PolymorphicRecordsBecomeOneOfWithTheirDiscriminator()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        app.MapPost("/api/v3/test/executor/{flow_slug}/", (string flow_slug) => TypedResults.Ok()).Operation("test_executor_solve", "test")
            .Query([new QueryParameter("query", QueryType.String, "Querystring as received", Required: true)])
            .Request<ChallengeAnswer>(required: false).Response<Challenge>();

        var document = OpenApiDocumentGenerator.Generate(Endpoints(app));

        Assert.Empty(document.Problems);
        var operation = document.Document["paths"]!["/test/executor/{flow_slug}/"]!["post"]!;
        AssertJson("""
            [{"in": "path", "name": "flow_slug", "schema": {"type": "string"}, "required": true},
             {"in": "query", "name": "query", "schema": {"type": "string"}, "description": "Querystring as received", "required": true}]
            """, operation["parameters"]);
        AssertJson("""{"content": {"application/json": {"schema": {"$ref": "#/components/schemas/FlowChallengeResponseRequest"}}}}""", operation["requestBody"]);
        var schemas = document.Document["components"]!["schemas"]!;
        AssertJson("""
            {"oneOf": [{"$ref": "#/components/schemas/AccessDeniedChallenge"}, {"$ref": "#/components/schemas/PasswordChallenge"}],
             "discriminator": {"propertyName": "component", "mapping": {
               "ak-stage-access-denied": "#/components/schemas/AccessDeniedChallenge",
               "ak-stage-password": "#/components/schemas/PasswordChallenge"}}}
            """, schemas["ChallengeTypes"]);
        AssertJson("""
            {"type": "object",
             "properties": {"component": {"type": "string"}, "pending_user": {"type": "string"}, "error_message": {"type": "string", "nullable": true}},
             "required": ["error_message", "pending_user"]}
            """, schemas["AccessDeniedChallenge"]);
        Assert.Equal("component", schemas["AccessDeniedChallenge"]!["properties"]!.AsObject().First().Key);
        AssertJson("""
            {"oneOf": [{"$ref": "#/components/schemas/PasswordChallengeResponseRequest"}],
             "discriminator": {"propertyName": "component", "mapping": {"ak-stage-password": "#/components/schemas/PasswordChallengeResponseRequest"}}}
            """, schemas["FlowChallengeResponseRequest"]);
        AssertJson("""
            {"type": "object",
             "properties": {"component": {"type": "string", "minLength": 1}, "password": {"type": "string", "minLength": 1}},
             "required": ["password"]}
            """, schemas["PasswordChallengeResponseRequest"]);
    }

    /// <summary>
    /// The rules for what a record alone cannot say: route parameters typed on the group, repeated query parameters
    /// with and without a declared style, a response record read back as a named request record, and the
    /// per-field <c>[ApiField]</c> switches (dictionary, optional, no format, choices from a list).
    /// </summary>
    [Fact]
    public void DeclaredRulesGiveDrfSpectacularsParametersAndFieldFlags()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        var gadgets = app.MapGroup("/api/v3/test/gadgets").PathParameter("gadget_uuid", QueryType.Uuid, "A UUID string identifying this Gadget.");
        gadgets.MapGet("/{gadget_uuid}/", (string gadget_uuid) => TypedResults.Ok()).Operation("test_gadgets_retrieve", "test").Response<PartialGadget>();
        gadgets.MapPut("/{gadget_uuid}/", (string gadget_uuid) => TypedResults.Ok()).Operation("test_gadgets_update", "test")
            .Request<GadgetRequest>().Response<PartialGadget>();
        gadgets.MapGet("/by_label/{gadget_uuid}/", (string gadget_uuid) => TypedResults.Ok()).Operation("test_gadgets_by_label_retrieve", "test")
            .PathParameter("gadget_uuid", QueryType.String).Response<PartialGadget>();
        gadgets.MapDelete("/sessions/", () => TypedResults.Ok()).Operation("test_gadgets_sessions_destroy", "test")
            .Query([new QueryParameter("user_pks", QueryType.IntArray, Required: true, DeclareStyle: false), new QueryParameter("owner_pks", QueryType.IntArray)])
            .Response<GadgetSession>();

        var document = OpenApiDocumentGenerator.Generate(Endpoints(app));

        Assert.Empty(document.Problems);
        var paths = document.Document["paths"]!;
        var uuid = """[{"in": "path", "name": "gadget_uuid", "schema": {"type": "string", "format": "uuid"}, "description": "A UUID string identifying this Gadget.", "required": true}]""";
        AssertJson(uuid, paths["/test/gadgets/{gadget_uuid}/"]!["get"]!["parameters"]);
        AssertJson(uuid, paths["/test/gadgets/{gadget_uuid}/"]!["put"]!["parameters"]);
        AssertJson("""[{"in": "path", "name": "gadget_uuid", "schema": {"type": "string"}, "required": true}]""",
            paths["/test/gadgets/by_label/{gadget_uuid}/"]!["get"]!["parameters"]);
        AssertJson("""
            [{"in": "query", "name": "owner_pks", "schema": {"type": "array", "items": {"type": "integer"}}, "explode": true, "style": "form"},
             {"in": "query", "name": "user_pks", "schema": {"type": "array", "items": {"type": "integer"}}, "required": true}]
            """, paths["/test/gadgets/sessions/"]!["delete"]!["parameters"]);

        var schemas = document.Document["components"]!["schemas"]!;
        AssertJson("""
            {"type": "object",
             "properties": {
               "name": {"type": "string", "minLength": 1, "maxLength": 64},
               "enabled": {"type": "boolean"},
               "attributes": {"type": "object", "additionalProperties": {}},
               "model": {"$ref": "#/components/schemas/GadgetModelEnum"}},
             "required": ["name"]}
            """, schemas["GadgetRequest"]);
        AssertJson("""{"enum": ["gadgets.small", "gadgets.large"], "type": "string"}""", schemas["GadgetModelEnum"]);
        AssertJson("""
            {"type": "object",
             "properties": {
               "pk": {"type": "string", "format": "uuid", "readOnly": true},
               "name": {"type": "string", "maxLength": 64},
               "enabled": {"type": "boolean"},
               "attributes": {"type": "object", "additionalProperties": {}},
               "model": {"allOf": [{"$ref": "#/components/schemas/GadgetModelEnum"}], "readOnly": true},
               "label": {"type": "string", "pattern": "^[a-z]+$", "readOnly": true}},
             "required": ["label", "model", "name", "pk"]}
            """, schemas["PartialGadget"]);
        AssertJson("""
            {"type": "object",
             "properties": {
               "uuid": {"type": "string", "format": "uuid"},
               "id": {"type": "integer", "readOnly": true},
               "count": {"type": "integer", "format": "int64"},
               "user": {"type": "integer"},
               "gadget": {"allOf": [{"$ref": "#/components/schemas/PartialGadget"}], "readOnly": true}},
             "required": ["count", "gadget", "id", "user"]}
            """, schemas["GadgetSession"]);
    }

    private static List<Endpoint> Endpoints(IEndpointRouteBuilder app) => app.DataSources.SelectMany(s => s.Endpoints).ToList();

    private static void AssertJson(string expected, JsonNode? actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(expectedNode, actual), $"expected {expectedNode?.ToJsonString()}\nactual   {actual?.ToJsonString()}");
    }

    /// <summary>YAML read as a YAML 1.2 core-schema reader would: plain scalars may be numbers, booleans or null.</summary>
    private static JsonNode? YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode);

        static JsonNode? Convert(YamlNode node) => node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
            YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
            YamlScalarNode { Style: ScalarStyle.Plain } scalar => scalar.Value switch
            {
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                "null" or "~" => null,
                var v when long.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
                var v when double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
                var v => JsonValue.Create(v),
            },
            YamlScalarNode scalar => JsonValue.Create(scalar.Value),
            _ => throw new InvalidOperationException("unexpected YAML node"),
        };
    }

    public enum WidgetState
    {
        Active,
        LockedOut,
        Gone,
    }

    [ApiSchema("Widget", Description = "Widget Serializer")]
    public sealed record Widget(
        int Pk,
        string Name,
        string Email,
        bool IsActive,
        DateTime? LastLogin,
        string Kind,
        WidgetState State,
        IReadOnlyList<Guid> Groups,
        IReadOnlyList<PartialGroup>? GroupsObj,
        PartialGroup? Owner,
        System.Text.Json.Nodes.JsonObject Attributes,
        Dictionary<string, int> Counts,
        Guid Uuid,
        long Size,
        Uri Home);

    [ApiSchema("WidgetRequest", Description = "Widget Serializer")]
    public sealed record WidgetRequest(
        [ApiField(MaxLength = 150)] string Name,
        JsonObject Counts,
        [ApiField(MaxLength = 254, Email = true, AllowBlank = true)] string Email = "",
        bool IsActive = true,
        DateTime? LastLogin = null,
        [ApiField(Choices = ["internal", "external"], EnumName = "WidgetKindEnum")] string Kind = "internal",
        IReadOnlyList<Guid> Groups = null!,
        JsonObject Attributes = null!,
        [ApiField(MinLength = 4, Pattern = "^[a-z]+$", Description = "A lower-case code")] string Code = "abcd");

    [ApiSchema("PartialGroup")]
    public sealed record PartialGroup(Guid Pk, string Name);

    [ApiSchema("WidgetLockRequest")]
    public sealed record WidgetLockRequest([ApiField(Description = "User to lock")] int? User = null);

    [ApiSchema("Link")]
    public sealed record WidgetLink(string Link);

    [ApiSchema("Widget")]
    public sealed record ImpostorWidget(int Pk);

    public static class GadgetModels
    {
        public static readonly IReadOnlyList<string> All = ["gadgets.small", "gadgets.large"];
    }

    [ApiSchema("GadgetRequest")]
    public sealed record GadgetRequest(
        [ApiField(MaxLength = 64)] string Name,
        bool Enabled = true,
        [ApiField(Dictionary = true)] JsonNode Attributes = null!,
        [ApiField(EnumName = "GadgetModelEnum", ChoicesFrom = typeof(GadgetModels), ChoicesMember = nameof(GadgetModels.All))] string Model = null!);

    /// <summary>Read back as GadgetRequest writes it: pk and label are read-only, enabled and attributes optional.</summary>
    [ApiSchema("PartialGadget", Request = typeof(GadgetRequest))]
    public sealed record PartialGadget(
        Guid Pk,
        string Name,
        bool Enabled,
        JsonObject Attributes,
        [ApiField(ReadOnly = true, EnumName = "GadgetModelEnum", ChoicesFrom = typeof(GadgetModels), ChoicesMember = nameof(GadgetModels.All))] string Model,
        [ApiField(Pattern = "^[a-z]+$")] string Label);

    [ApiSchema("GadgetSession")]
    public sealed record GadgetSession(
        [ApiField(Optional = true)] Guid Uuid,
        [ApiField(ReadOnly = true, Format = "")] long Id,
        long Count,
        int User,
        [ApiField(ReadOnly = true)] PartialGadget Gadget);

    [ApiSchema("ChallengeTypes")]
    [System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "component")]
    [System.Text.Json.Serialization.JsonDerivedType(typeof(DeniedChallenge), "ak-stage-access-denied")]
    [System.Text.Json.Serialization.JsonDerivedType(typeof(PasswordChallenge), "ak-stage-password")]
    public abstract record Challenge(string PendingUser);

    [ApiSchema("AccessDeniedChallenge")]
    public sealed record DeniedChallenge(string PendingUser, string? ErrorMessage) : Challenge(PendingUser);

    [ApiSchema("PasswordChallenge")]
    public sealed record PasswordChallenge(string PendingUser, string RecoveryUrl = "") : Challenge(PendingUser);

    [ApiSchema("FlowChallengeResponseRequest")]
    [System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "component")]
    [System.Text.Json.Serialization.JsonDerivedType(typeof(PasswordAnswer), "ak-stage-password")]
    public abstract record ChallengeAnswer;

    [ApiSchema("PasswordChallengeResponseRequest")]
    public sealed record PasswordAnswer(string Password) : ChallengeAnswer;
}
