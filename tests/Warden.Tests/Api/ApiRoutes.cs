using System.Globalization;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Warden.Api;
using Warden.Api.OpenApi;
using Warden.Brands;
using Warden.Core;
using Warden.Enterprise;
using Warden.Rbac;
using Warden.Tests.Infrastructure;
using Warden.Tests.Rbac;

namespace Warden.Tests.Api;

/// <summary>
/// One method of one endpoint under /api/v3/, as the running app maps it (its EndpointDataSource), so that tests
/// over "every endpoint" cover endpoints added later without anyone listing them.
/// </summary>
public sealed record ApiRoute(string Method, string Pattern, RouteEndpoint Endpoint)
{
    /// <summary>authentik's operationId (the endpoint's name); the method and pattern when it has none.</summary>
    public string Key => Endpoint.Metadata.GetMetadata<ApiOperation>()?.OperationId ?? $"{Method} {Pattern}";

    public ApiRequestBody? RequestBody => Endpoint.Metadata.GetMetadata<ApiRequestBody>();

    public IReadOnlyList<QueryParameter> QueryParameters =>
        Endpoint.Metadata.GetOrderedMetadata<ApiQueryParameters>().SelectMany(q => q.Parameters).ToList();

    public bool IsWrite => Method is "POST" or "PUT" or "PATCH";

    public override string ToString() => $"{Method} {Pattern}";

    /// <summary>The path with every route parameter filled by <paramref name="fill"/>.</summary>
    public string Path(Func<ApiRoute, RoutePatternParameterPart, string> fill)
    {
        var path = new System.Text.StringBuilder();
        foreach (var segment in Endpoint.RoutePattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => Uri.EscapeDataString(fill(this, parameter)),
                    _ => throw new InvalidOperationException($"unexpected route part in {Pattern}"),
                });
            }
        }
        // Patterns keep authentik's trailing slash, which PathSegments do not carry.
        if (Pattern.EndsWith('/'))
        {
            path.Append('/');
        }
        return path.ToString();
    }

    /// <summary>Every method of every /api/v3/ endpoint the app maps, in a stable order.</summary>
    public static IReadOnlyList<ApiRoute> All(TestApp app) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => OpenApiDocumentGenerator.IsApiRoute(e.RoutePattern.RawText ?? ""))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => new ApiRoute(m, e.RoutePattern.RawText!, e)))
            .OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)
            .ToList();
}

/// <summary>
/// Real objects of every kind the API addresses by key (a user with a session and a token, a group, a role, a
/// brand, a licence), and the route values that name them. A route parameter that no rule here knows gets a
/// placeholder of its type (<c>{x:int}</c> → 1, <c>…uuid</c> → a fresh uuid, otherwise <c>x</c>).
/// </summary>
public sealed class RouteObjects
{
    public required User Target { get; init; }
    public required string TokenIdentifier { get; init; }
    public required Guid SessionUuid { get; init; }
    public required Group Group { get; init; }
    public required Role Role { get; init; }
    public required Brand Brand { get; init; }
    public required License License { get; init; }
    public required int PermissionId { get; init; }

    /// <summary>Text that appears only in the representation of these objects: a list that shows none of it reveals nothing.</summary>
    public IEnumerable<string> Markers =>
        [Target.Username, TokenIdentifier, SessionUuid.ToString(), Group.Id.ToString(), Role.Id.ToString(), Brand.Id.ToString(), License.Id.ToString()];

    /// <summary>(route prefix, parameter name) → value; the longest matching prefix wins.</summary>
    private IEnumerable<(string Prefix, string Parameter, string Value)> Rules =>
    [
        ("/api/v3/core/users/", "id", Target.Id.ToString(CultureInfo.InvariantCulture)),
        ("/api/v3/core/tokens/", "identifier", TokenIdentifier),
        ("/api/v3/core/authenticated_sessions/", "uuid", SessionUuid.ToString()),
        ("/api/v3/core/groups/", "group_uuid", Group.Id.ToString()),
        ("/api/v3/core/brands/", "brand_uuid", Brand.Id.ToString()),
        ("/api/v3/rbac/roles/", "uuid", Role.Id.ToString()),
        ("/api/v3/rbac/permissions/", "id", PermissionId.ToString(CultureInfo.InvariantCulture)),
        ("/api/v3/rbac/permissions/assigned_by_roles/", "uuid", Role.Id.ToString()),
        ("/api/v3/enterprise/license/", "license_uuid", License.Id.ToString()),
    ];

    public string Fill(ApiRoute route, RoutePatternParameterPart parameter)
    {
        var rule = Rules.Where(r => r.Parameter == parameter.Name && route.Pattern.StartsWith(r.Prefix, StringComparison.Ordinal))
            .OrderByDescending(r => r.Prefix.Length).FirstOrDefault();
        if (rule.Value is not null)
        {
            return rule.Value;
        }
        if (parameter.ParameterPolicies.Any(p => p.Content is "int" or "long"))
        {
            return "1";
        }
        return parameter.Name.EndsWith("uuid", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "x";
    }

    /// <summary>Creates the objects; the target user is an ordinary member of the group and the role.</summary>
    public static async Task<RouteObjects> CreateAsync(TestApp app)
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var target = await app.CreateUserAsync("target-" + marker);
        var (_, sessionKey) = await app.AsSessionAsync(target);
        await app.CreateTokenAsync(target);
        var tokenIdentifier = await app.WithDbAsync(db => db.Tokens.Where(t => t.UserId == target.Id).Select(t => t.Identifier).SingleAsync());
        var sessionUuid = await app.WithDbAsync(db => db.AuthenticatedSessions.Where(a => a.SessionKey == sessionKey).Select(a => a.Uuid).SingleAsync());
        var role = await app.CreateRoleAsync("role-" + marker);
        var group = await app.CreateGroupAsync("group-" + marker, members: [target], roles: [role]);
        var brand = await app.WithDbAsync(async db =>
        {
            var b = new Brand { Domain = $"brand-{marker}.example.test" };
            db.Add(b);
            await db.SaveChangesAsync();
            return b;
        });
        var license = await TestLicenses.InstallAsync(app, name: "licence-" + marker);
        return new RouteObjects
        {
            Target = target,
            TokenIdentifier = tokenIdentifier,
            SessionUuid = sessionUuid,
            Group = group,
            Role = role,
            Brand = brand,
            License = license,
            PermissionId = PermissionCatalog.All.First().Id,
        };
    }
}
