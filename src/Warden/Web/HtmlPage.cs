using System.Text;
using System.Text.Encodings.Web;
using Warden.Core;

namespace Warden.Web;

/// <summary>
/// One HTML page of the web interface: a small document that loads one module script. Every page sets the
/// CSRF cookie its scripts echo in the X-authentik-CSRF header, and the security headers below.
/// </summary>
public sealed class HtmlPage(string title, string body, string? script = null, int status = StatusCodes.Status200OK) : IResult
{
    /// <summary>
    /// Only this server's own scripts, styles and connections; no inline script (so markup injected into a page
    /// cannot run), no framing (clickjacking), no plugins, no base-tag or form-target tricks.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public static string Encode(string value) => HtmlEncoder.Default.Encode(value);

    public async Task ExecuteAsync(HttpContext context)
    {
        SessionStore.SetCsrfCookie(context);
        ApplySecurityHeaders(context.Response);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(Render(), Encoding.UTF8, context.RequestAborted);
    }

    public static void ApplySecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // Pages can show who is logged in: never keep them in a shared or back-button cache.
        headers.CacheControl = "no-store";
    }

    private string Render()
    {
        var scriptTag = script is null ? "" : $"""
            <script type="module" src="{Encode(WebAssets.Url(script))}"></script>
            """;
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Encode(title)}</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="{Encode(WebAssets.Url("warden.css"))}">
            {scriptTag}
            </head>
            <body>
            {body}
            </body>
            </html>

            """;
    }
}
