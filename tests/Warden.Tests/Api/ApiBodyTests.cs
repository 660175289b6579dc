using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.Api;

namespace Warden.Tests.Api;

/// <summary>Request bodies are read as Django REST framework reads them, with its messages.</summary>
public sealed class ApiBodyTests
{
    [ApiSchema("SampleRequest")]
    public sealed record SampleRequest(
        [property: ApiField(MaxLength = 5)] string Name,
        bool Enabled = true,
        int Count = 0,
        Guid? Ref = null,
        [property: ApiField(Choices = ["a", "b"])] string Kind = "a",
        JsonObject? Attributes = null,
        List<Guid>? Items = null,
        [property: ApiField(PrimaryKey = true)] int? User = null,
        DateTime? When = null,
        [property: ApiField(AllowBlank = true)] string Note = "");

    private static async Task<(int Status, string Body, Body<SampleRequest>? Parsed)> ReadAsync(string? body, string? contentType = "application/json", BodyMode mode = BodyMode.Full)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
        };
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(body is null ? [] : Encoding.UTF8.GetBytes(body));
        context.Response.Body = new MemoryStream();
        var parsed = await ApiBody.ReadAsync<SampleRequest>(context.Request, mode, TestContext.Current.CancellationToken);
        if (parsed.Error is null)
        {
            return (200, "", parsed);
        }
        await parsed.Error.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync(), parsed);
    }

    private static void AssertJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}\nactual   {actual}");

    public static class SampleModels
    {
        public static readonly IReadOnlyList<string> All = ["app.small", "app.large"];
    }

    [ApiSchema("SampleModelRequest")]
    public sealed record SampleModelRequest(
        [property: ApiField(ChoicesFrom = typeof(SampleModels), ChoicesMember = nameof(SampleModels.All))] string Model,
        [property: ApiField(MaxLength = 3)] string Code = "");

    [Fact]
    public void ChoicesNamedByAListAreEnforcedLikeChoicesSpelledOut()
    {
        Assert.Null(ApiBody.Bind<SampleModelRequest>(new JsonObject { ["model"] = "app.large" }, BodyMode.Full).Error);
        var refused = ApiBody.Bind<SampleModelRequest>(new JsonObject { ["model"] = "app.medium", ["code"] = "long" }, BodyMode.Full);
        Assert.NotNull(refused.Error);
        var errors = Assert.IsAssignableFrom<IValueHttpResult>(refused.Error).Value;
        AssertJson("""{"model": ["\"app.medium\" is not a valid choice."], "code": ["Ensure this field has no more than 3 characters."]}""",
            JsonSerializer.Serialize(errors));
    }

    [Fact]
    public async Task AValidBodyBindsWithDefaultsAndRecordsWhichFieldsWereSent()
    {
        var (status, _, parsed) = await ReadAsync("""{"name": " abc ", "enabled": "false", "count": 3, "items": ["6f1c1a8e-0000-4000-8000-000000000001"]}""");
        Assert.Equal(200, status);
        Assert.Equal("abc", parsed!.Value.Name);
        Assert.False(parsed.Value.Enabled);
        Assert.Equal(3, parsed.Value.Count);
        Assert.Equal("a", parsed.Value.Kind);
        Assert.Single(parsed.Value.Items!);
        Assert.Equal(["count", "enabled", "items", "name"], parsed.Present.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryFieldErrorIsReportedAtOnceWithDrfMessages()
    {
        var (status, body, _) = await ReadAsync("""
            {"enabled": "maybe", "count": "x", "ref": "nope", "kind": "c", "attributes": [], "items": "x", "user": "abc", "when": "yesterday"}
            """);
        Assert.Equal(400, status);
        AssertJson("""
            {"name": ["This field is required."],
             "enabled": ["Must be a valid boolean."],
             "count": ["A valid integer is required."],
             "ref": ["Must be a valid UUID."],
             "kind": ["\"c\" is not a valid choice."],
             "attributes": ["Expected a dictionary of items but got type \"list\"."],
             "items": ["Expected a list of items but got type \"str\"."],
             "user": ["Incorrect type. Expected pk value, received str."],
             "when": ["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}
            """, body);
    }

    [Fact]
    public async Task NullBlankAndLengthAreCheckedAsDrfDoes()
    {
        var (status, body, _) = await ReadAsync("""{"name": null, "count": null}""");
        Assert.Equal(400, status);
        AssertJson("""{"name": ["This field may not be null."], "count": ["This field may not be null."]}""", body);

        (status, body, _) = await ReadAsync("""{"name": "   "}""");
        AssertJson("""{"name": ["This field may not be blank."]}""", body);

        (status, body, _) = await ReadAsync("""{"name": "abcdef"}""");
        AssertJson("""{"name": ["Ensure this field has no more than 5 characters."]}""", body);

        (status, _, _) = await ReadAsync("""{"name": "ok", "note": "", "ref": null}""");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task APrimaryKeyOfTheWrongTypeSaysSo()
    {
        var (_, body, _) = await ReadAsync("""{"name": "x", "user": true}""");
        AssertJson("""{"user": ["Incorrect type. Expected pk value, received bool."]}""", body);
        (_, body, _) = await ReadAsync("""{"name": "x", "user": [1]}""");
        AssertJson("""{"user": ["Incorrect type. Expected pk value, received list."]}""", body);
    }

    [Fact]
    public async Task ANumericPrimaryKeyIsLookedUpEvenWhenSentAsText()
    {
        var (status, _, parsed) = await ReadAsync("""{"name": "x", "user": "42"}""");
        Assert.Equal(200, status);
        Assert.Equal(42, parsed!.Value.User);
    }

    [Fact]
    public async Task APartialBodyNeedsNoRequiredField()
    {
        var (status, _, parsed) = await ReadAsync("""{"count": 2}""", mode: BodyMode.Partial);
        Assert.Equal(200, status);
        Assert.Equal(["count"], parsed!.Present);
    }

    [Theory]
    [InlineData("[1, 2]", "list")]
    [InlineData("\"text\"", "str")]
    [InlineData("42", "int")]
    [InlineData("4.5", "float")]
    [InlineData("true", "bool")]
    [InlineData("null", "NoneType")]
    public async Task ABodyThatIsNotAnObjectIsANonFieldError(string json, string pythonType)
    {
        var (status, body, _) = await ReadAsync(json);
        Assert.Equal(400, status);
        AssertJson($$"""{"non_field_errors": ["Invalid data. Expected a dictionary, but got {{pythonType}}."]}""", body);
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("{'name': 'x'}")]
    [InlineData("{\"name\": \"x\",}")]
    public async Task MalformedJsonIsAParseError(string json)
    {
        var (status, body, _) = await ReadAsync(json);
        Assert.Equal(400, status);
        var detail = JsonNode.Parse(body)!["detail"]!.GetValue<string>();
        Assert.StartsWith("JSON parse error - ", detail, StringComparison.Ordinal);
        Assert.Single(JsonNode.Parse(body)!.AsObject());
    }

    [Fact]
    public async Task InvalidUtf8IsAParseError()
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']);
        context.Response.Body = new MemoryStream();
        var parsed = await ApiBody.ReadAsync<SampleRequest>(context.Request, BodyMode.Full, TestContext.Current.CancellationToken);
        await parsed.Error!.ExecuteAsync(context);
        Assert.Equal(400, context.Response.StatusCode);
    }

    [Fact]
    public async Task AnotherContentTypeIsUnsupported()
    {
        var (status, body, _) = await ReadAsync("name=x", "application/x-www-form-urlencoded");
        Assert.Equal(415, status);
        AssertJson("""{"detail": "Unsupported media type \"application/x-www-form-urlencoded\" in request."}""", body);
    }

    [Fact]
    public async Task AnOversizedBodyIsRefused()
    {
        var big = "{\"name\": \"" + new string('a', ApiBody.MaxBytes) + "\"}";
        var (status, body, _) = await ReadAsync(big);
        Assert.Equal(413, status);
        AssertJson($$"""{"detail": "Request body exceeds the limit of {{ApiBody.MaxBytes}} bytes."}""", body);
    }

    [Fact]
    public async Task AnEmptyBodyIsAnEmptyObject()
    {
        var (status, body, _) = await ReadAsync(null, contentType: null);
        Assert.Equal(400, status);
        AssertJson("""{"name": ["This field is required."]}""", body);
    }

    [Fact]
    public async Task DeepNestingIsAParseErrorNotACrash()
    {
        var deep = "{\"attributes\": " + string.Concat(Enumerable.Repeat("{\"a\": ", 200)) + "1" + new string('}', 200) + "}";
        var (status, _, _) = await ReadAsync(deep);
        Assert.Equal(400, status);
    }
}
