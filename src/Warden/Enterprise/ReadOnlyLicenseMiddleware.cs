using Warden.Api;

namespace Warden.Enterprise;

/// <summary>
/// authentik's <c>EnterpriseMiddleware</c>: while the licence status is <c>read_only</c>, every unsafe request to
/// an API endpoint is refused with 400 <c>denied_license</c> before it reaches its handler, except licence management
/// (so the operator can fix the licence), the flow executor (so people can still log in) and the users API (so
/// accounts can still be deactivated or locked to get back under the limit).
/// </summary>
public sealed partial class ReadOnlyLicenseMiddleware(RequestDelegate next, ILogger<ReadOnlyLicenseMiddleware> logger)
{
    public const string DeniedMessage = "Request denied due to expired/invalid license.";
    public const string DeniedCode = "denied_license";

    private static readonly PathString Api = "/api/v3";
    private static readonly PathString[] AlwaysAllowed = ["/api/v3/enterprise/license", "/api/v3/flows/executor", "/api/v3/core/users"];

    public async Task InvokeAsync(HttpContext context, LicenseStatus licenses)
    {
        if (!IsAlwaysAllowed(context.Request.Method, context.Request.Path, context.GetEndpoint() is not null)
            && (await licenses.GetSummaryAsync(context.RequestAborted)).Status == LicenseUsageStatus.ReadOnly)
        {
            LogDenied(logger, context.Request.Method, context.Request.Path.Value ?? "");
            await ApiErrors.Detail(StatusCodes.Status400BadRequest, DeniedMessage, DeniedCode).ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    /// <summary>
    /// Requests the licence never blocks: safe methods, paths outside the API or matching no route (those answer
    /// 404 as usual), and the three exempt viewsets.
    /// </summary>
    public static bool IsAlwaysAllowed(string method, PathString path, bool routed)
    {
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return true;
        }
        if (!routed || !path.StartsWithSegments(Api, StringComparison.Ordinal))
        {
            return true;
        }
        return AlwaysAllowed.Any(p => path.StartsWithSegments(p, StringComparison.Ordinal));
    }

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Refusing {Method} {Path} due to expired/invalid license")]
    private static partial void LogDenied(ILogger logger, string method, string path);
}
