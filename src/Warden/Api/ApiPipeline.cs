using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Warden.Api;

public static partial class ApiPipeline
{
    /// <summary>JSON conventions, body limits and the services every endpoint uses.</summary>
    public static IServiceCollection AddWardenApi(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = ApiBody.MaxBytes * 2L);
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<Core.SessionStore>();
        services.AddScoped<Rbac.Permissions>();
        services.AddScoped<Brands.BrandResolver>();
        services.AddSingleton<Events.AuditLog>();
        services.AddProblemDetails();
        return services;
    }

    /// <summary>Request logging, the 500 handler, authentication, and DRF-shaped 404/405 for unknown API routes.</summary>
    public static WebApplication UseWardenApi(this WebApplication app)
    {
        app.Use(LogRequestAsync);
        app.UseExceptionHandler(errorApp => errorApp.Run(WriteServerErrorAsync));
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (!http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || http.Response.HasStarted || http.Response.ContentLength > 0)
            {
                return;
            }
            if (http.Response.StatusCode == StatusCodes.Status405MethodNotAllowed)
            {
                await ApiErrors.MethodNotAllowed(http.Request.Method).ExecuteAsync(http);
            }
            else if (http.Response.StatusCode == StatusCodes.Status404NotFound)
            {
                await ApiErrors.Detail(StatusCodes.Status404NotFound, "Not found.").ExecuteAsync(http);
            }
        });
        app.UseMiddleware<AuthenticationMiddleware>();
        return app;
    }

    private static async Task LogRequestAsync(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Warden.Requests");
            // Path only: the query string may carry flow tokens, and bodies and headers are never logged.
            LogRequest(logger, context.Request.Method, context.Request.Path.Value ?? "", context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, context.TraceIdentifier);
        }
    }

    private static async Task WriteServerErrorAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Warden.Errors");
        LogUnhandled(logger, error, context.TraceIdentifier);
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        await context.Response.WriteAsJsonAsync(
            new ServerError("A server error occurred.", context.TraceIdentifier), ApiJson.Options);
    }

    private sealed record ServerError(string Detail, string RequestId);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "{Method} {Path} {Status} {ElapsedMs:0.0}ms {RequestId}")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, double elapsedMs, string requestId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Unhandled error in request {RequestId}")]
    private static partial void LogUnhandled(ILogger logger, Exception? exception, string requestId);
}
