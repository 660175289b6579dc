using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Tests.Api;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Faults;

/// <summary>
/// Hostile input against the whole route table: random and malformed bodies to every write endpoint (POST, PUT,
/// PATCH) and random query strings to every GET endpoint and every bulk DELETE, sent by a superuser so that validation and the handlers
/// are reached. Every answer must be 2xx or a 4xx in authentik's error shape, never a 5xx, and a 4xx must leave
/// every row of the database as it was. The seed is printed (set WARDEN_HOSTILE_SEED to replay a run).
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const int BodiesPerWriteEndpoint = 18;
    private const int QueriesPerGetEndpoint = 8;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, Providers]
    public async Task NoInputGetsAServerErrorAndARefusedRequestChangesNothing(string provider)
    {
        var seed = Environment.GetEnvironmentVariable("WARDEN_HOSTILE_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        Report($"hostile input ({provider}): seed {seed} (WARDEN_HOSTILE_SEED={seed} replays this run)");
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var objects = await RouteObjects.CreateAsync(app);
        var admin = await app.CreateUserAsync("hostile-admin-" + Guid.NewGuid().ToString("N")[..8], superuser: true);
        var client = await app.AsTokenAsync(admin);
        var known = objects.Markers.Concat([objects.Target.Id.ToString(CultureInfo.InvariantCulture), admin.Id.ToString(CultureInfo.InvariantCulture),
            objects.PermissionId.ToString(CultureInfo.InvariantCulture), "authentik_core.view_user", "authentik_core.user", "authentik_rbac.role"]).ToList();
        var input = new HostileInput(seed, known);
        var routes = ApiRoute.All(app);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var requests = 0;
        var serverErrors = 0;
        var failures = new List<string>();
        var fingerprint = await DatabaseFingerprint.TakeAsync(app);

        async Task SendAsync(ApiRoute route, HttpRequestMessage request, string description)
        {
            using var response = await client.SendAsync(request, Ct);
            requests++;
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(Ct);
            var problem = status >= 500 ? "server error" : ShapeProblem(status, text);
            if (status >= 500)
            {
                serverErrors++;
            }
            // A 2xx may change rows (a write, or the secret_view event view_key records); a 4xx never may.
            var after = await DatabaseFingerprint.TakeAsync(app);
            if (problem is null && status >= 400 && fingerprint.Difference(after) is { } changed)
            {
                problem = "a refused request changed the database:\n" + changed;
            }
            fingerprint = after;
            if (problem is not null)
            {
                failures.Add($"{route} {request.RequestUri}\n  sent {description}\n  got {status} {Shorten(text)}\n  {problem}");
            }
        }

        foreach (var route in routes.Where(r => r.IsWrite))
        {
            for (var i = 0; i < BodiesPerWriteEndpoint; i++)
            {
                var body = input.Body(route.RequestBody?.Type);
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path(objects.Fill));
                var content = new ByteArrayContent(body.Bytes);
                content.Headers.ContentType = body.ContentType is null ? null : MediaTypeHeaderValue.TryParse(body.ContentType, out var parsed) ? parsed : null;
                if (body.ContentType is not null && content.Headers.ContentType is null)
                {
                    content.Headers.TryAddWithoutValidation("Content-Type", body.ContentType);
                }
                request.Content = content;
                await SendAsync(route, request, body.Preview);
            }
        }
        // Bulk deletes take their targets from the query string (bulk_delete?user_pks=...).
        foreach (var route in routes.Where(r => r.Method == "DELETE" && r.Endpoint.RoutePattern.Parameters.Count == 0))
        {
            for (var i = 0; i < QueriesPerGetEndpoint; i++)
            {
                var query = input.Query(route.QueryParameters);
                using var request = new HttpRequestMessage(HttpMethod.Delete, route.Path(objects.Fill) + "?" + query);
                await SendAsync(route, request, "query " + Shorten(query));
            }
        }
        foreach (var route in routes.Where(r => r.Method == "GET"))
        {
            for (var i = 0; i < QueriesPerGetEndpoint; i++)
            {
                var query = input.Query(route.QueryParameters);
                using var request = new HttpRequestMessage(HttpMethod.Get, route.Path(objects.Fill) + "?" + query);
                await SendAsync(route, request, "query " + Shorten(query));
            }
        }

        Report($"hostile input: {requests} requests, {serverErrors} server errors ({provider}, seed {seed}, {clock.Elapsed.TotalSeconds:0} s)");
        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} bad answers ({serverErrors} server errors):\n" + string.Join("\n", failures.Take(25)));
    }

    /// <summary>To the test's output and to the console, so that CI logs show the counts of passing runs too.</summary>
    private void Report(string line)
    {
        output.WriteLine(line);
        TestReport.Line(line);
    }

    /// <summary>Null when the body has the shape authentik gives a status; otherwise what is wrong.</summary>
    private static string? ShapeProblem(int status, string text)
    {
        if (status is < 200 or >= 500 or (>= 300 and < 400))
        {
            return $"unexpected status {status}";
        }
        if (status == 204)
        {
            return text.Length == 0 ? null : "a 204 with a body";
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return "the body is not JSON";
        }
        if (status < 300)
        {
            return null;
        }
        // DRF's error shapes: {"detail": ...}, {"field": [...]} / {"non_field_errors": [...]}, or a bare list of messages.
        return node switch
        {
            JsonObject o when o.Count > 0 => null,
            JsonArray a when a.Count > 0 && a.All(m => m is JsonValue v && v.GetValueKind() == JsonValueKind.String) => null,
            _ => "a 4xx that is not in DRF's error shape",
        };
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
