using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Warden.Web;

/// <summary>
/// The pages' scripts and styles, embedded in the assembly (Web/Assets/*) and served from memory at
/// <c>/static/warden/&lt;name&gt;</c>: the server needs no wwwroot beside it and no front-end build step.
/// </summary>
public static class WebAssets
{
    public const string PathPrefix = "/static/warden/";
    private const string ResourcePrefix = "warden-web/";

    private sealed record Asset(byte[] Content, string ContentType, string ETag);

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>The URL of an embedded asset; throws for a name that is not embedded, so a typo fails the first test.</summary>
    public static string Url(string name) =>
        Assets.ContainsKey(name) ? PathPrefix + name : throw new ArgumentException($"No embedded web asset named '{name}'.", nameof(name));

    public static IEndpointRouteBuilder MapWebAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet(PathPrefix + "{name}", Serve).ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(string name, HttpContext context)
    {
        if (!Assets.TryGetValue(name, out var asset))
        {
            return TypedResults.NotFound();
        }
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        // Revalidated on every use (cheap 304s), so a new release is picked up at once.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var name = resource[ResourcePrefix.Length..];
            var etag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"").ToString();
            assets[name] = new Asset(content, ContentTypeOf(name), etag);
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
