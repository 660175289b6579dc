using Microsoft.AspNetCore.Mvc;
using Warden.Api;

namespace Warden.Flows;

/// <summary>
/// authentik's flow executor, <c>/api/v3/flows/executor/{flow_slug}/</c> (authentik/flows/views/executor.py), and
/// <c>/flows/-/cancel/</c>. Anonymous callers are allowed: this is how people log in. A POST made with a logged-in
/// session cookie needs the CSRF header, as every other unsafe API request (the authentication middleware checks
/// it, as DRF's SessionAuthentication does for authentik's executor).
/// </summary>
public static class FlowExecutorApi
{
    private const string Tag = "flows";

    private static readonly QueryParameter[] QueryParameters =
        [new("query", QueryType.String, "Querystring as received", Required: true)];

    public static IEndpointRouteBuilder MapFlowExecutorApi(this IEndpointRouteBuilder app)
    {
        var executor = app.MapGroup("/api/v3/flows/executor");
        executor.MapGet("/{flow_slug}/", Get)
            .Operation("flows_executor_get", Tag, "Get the next pending challenge from the currently active flow.", anonymous: true)
            .Query(QueryParameters)
            .Response<Challenge>();
        executor.MapPost("/{flow_slug}/", Solve)
            .Operation("flows_executor_solve", Tag, "Solve the previously retrieved challenge and advanced to the next stage.", anonymous: true)
            .Query(QueryParameters)
            .Request<FlowChallengeResponseRequest>(required: false)
            .Response<Challenge>();
        app.MapGet("/flows/-/cancel/", Cancel).ExcludeFromDescription();
        return app;
    }

    private static Task<IResult> Get(
        [FromRoute(Name = "flow_slug")] string slug, HttpContext http, FlowExecutor executor, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(http, slug, answer: null, cancellationToken);

    private static async Task<IResult> Solve(
        [FromRoute(Name = "flow_slug")] string slug, HttpContext http, FlowExecutor executor, CancellationToken cancellationToken)
    {
        var (answer, error) = await ApiBody.ReadObjectAsync(http.Request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        return await executor.ExecuteAsync(http, slug, answer, cancellationToken);
    }

    /// <summary>authentik's CancelView: ends the session's plan, then back to <c>next</c> (relative only) or the start.</summary>
    private static async Task<IResult> Cancel(HttpContext http, FlowExecutor executor, CancellationToken cancellationToken)
    {
        await executor.CancelAsync(http, cancellationToken);
        var next = http.Request.Query[FlowExecutor.NextParameter].ToString();
        return TypedResults.Redirect(next.Length > 0 && FlowExecutor.IsRelativeUrl(next) ? next : "/");
    }
}
