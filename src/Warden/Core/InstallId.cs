using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Persistence;

namespace Warden.Core;

/// <summary>
/// authentik's <c>authentik_install_id</c>: the one identifier of this installation, which licence keys name in
/// their audience. It lives in the database so that every node behind a load balancer reports the same one.
/// </summary>
public sealed class InstallId
{
    /// <summary>The value of <see cref="Singleton"/>: the table holds exactly one row.</summary>
    public const int SingletonValue = 1;

    /// <summary>
    /// Always 1, as primary key: two nodes creating the id at the same moment cannot both succeed, so the loser
    /// reads the winner's id instead of keeping one of its own.
    /// </summary>
    public int Singleton { get; set; } = SingletonValue;

    public Guid Id { get; set; }
}

internal sealed class InstallIdConfiguration : IEntityTypeConfiguration<InstallId>
{
    public void Configure(EntityTypeBuilder<InstallId> b)
    {
        b.ToTable("authentik_install_id");
        b.HasKey(i => i.Singleton);
        b.Property(i => i.Singleton).HasColumnName("singleton").ValueGeneratedNever();
        b.Property(i => i.Id).HasColumnName("id");
    }
}

/// <summary>Reads the installation's id, creating it on first need; it never changes afterwards, so it is kept in memory once read.</summary>
public sealed class InstallIds(IServiceScopeFactory scopes)
{
    private string? _value;

    /// <summary>The install id as authentik prints it (a UUID with dashes).</summary>
    public async Task<string> GetAsync(CancellationToken cancellationToken = default) =>
        // Concurrent first calls may both read; the single-row table makes them read the same id.
        _value ??= (await ReadOrCreateAsync(cancellationToken)).ToString("D");

    /// <summary>The audience a licence key for this installation must carry.</summary>
    public async Task<string> AudienceAsync(CancellationToken cancellationToken = default) =>
        Enterprise.LicenseKeys.AudiencePrefix + await GetAsync(cancellationToken);

    private async Task<Guid> ReadOrCreateAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
            var existing = await db.Set<InstallId>().AsNoTracking().OrderBy(i => i.Singleton).FirstOrDefaultAsync(cancellationToken);
            if (existing is not null)
            {
                return existing.Id;
            }
            db.Set<InstallId>().Add(new InstallId { Id = Guid.NewGuid() });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another node created it first: fall through and read theirs.
            }
        }
        await using var read = scopes.CreateAsyncScope();
        var readDb = read.ServiceProvider.GetRequiredService<WardenDbContext>();
        return (await readDb.Set<InstallId>().AsNoTracking().SingleAsync(cancellationToken)).Id;
    }
}
