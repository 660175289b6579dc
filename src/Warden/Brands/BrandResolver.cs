using Microsoft.EntityFrameworkCore;
using Warden.Persistence;

namespace Warden.Brands;

/// <summary>
/// The request's brand, as authentik chooses it: the brand whose domain is the longest suffix of the
/// request host, else the default brand. Resolved once per request and read from the database.
/// </summary>
public sealed class BrandResolver(WardenDbContext db)
{
    private const string ItemKey = "warden.brand";

    public async Task<Brand?> ResolveAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is Brand brand)
        {
            return brand;
        }
        var host = context.Request.Host.Host.ToLowerInvariant();
        var brands = await db.Brands.AsNoTracking().ToListAsync(cancellationToken);
        var match = brands
            .Where(b => !string.IsNullOrEmpty(b.Domain) && host.EndsWith(b.Domain.ToLowerInvariant(), StringComparison.Ordinal))
            .OrderByDescending(b => b.Domain.Length)
            .FirstOrDefault()
            ?? brands.FirstOrDefault(b => b.Default);
        if (match is not null)
        {
            context.Items[ItemKey] = match;
        }
        return match;
    }
}
