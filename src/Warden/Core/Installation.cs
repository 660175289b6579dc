using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Persistence;

namespace Warden.Core;

/// <summary>
/// authentik's <c>authentik_install_id</c>: one random identifier per installation, created at the first start.
/// It salts the users' <c>uid</c>, so a uid means nothing outside this installation.
/// </summary>
public sealed class InstallId
{
    public string Id { get; set; } = "";
}

internal sealed class InstallIdConfiguration : IEntityTypeConfiguration<InstallId>
{
    public void Configure(EntityTypeBuilder<InstallId> b)
    {
        b.ToTable("authentik_install_id");
        b.HasKey(i => i.Id);
        b.Property(i => i.Id).HasColumnName("id");
    }
}

/// <summary>
/// The installation identifier, read once from the database. It never changes after the first start, so keeping
/// it in memory cannot let two nodes disagree.
/// </summary>
public sealed class Installation(IServiceScopeFactory scopes)
{
    private string? _id;

    public async Task<string> IdAsync(CancellationToken cancellationToken = default)
    {
        if (_id is { } known)
        {
            return known;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
        // Ordered, so that two nodes that raced at the very first start still agree on one row.
        var id = await db.Set<InstallId>().OrderBy(i => i.Id).Select(i => i.Id).FirstOrDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException("The installation has no install id; bootstrap has not run.");
        _id = id;
        return id;
    }

    /// <summary>authentik's <c>User.uid</c>: sha256 of "<c>{pk}-{install id}</c>", hex.</summary>
    public static string Uid(int userId, string installId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(
            userId.ToString(CultureInfo.InvariantCulture) + "-" + installId)));
}
