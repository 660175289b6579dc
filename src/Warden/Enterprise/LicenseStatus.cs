using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;
using Warden.Persistence;

namespace Warden.Enterprise;

/// <summary>authentik's <c>LicenseSummary</c>: the licensed totals, the status, the latest expiry and the flags.</summary>
[ApiSchema("LicenseSummary", Description = "Serializer for license status")]
public sealed record LicenseSummary(
    int InternalUsers,
    int ExternalUsers,
    [property: ApiField(Choices = ["unlicensed", "valid", "expired", "expiry_soon", "limit_exceeded_admin", "limit_exceeded_user", "read_only"], EnumName = "LicenseSummaryStatusEnum")]
    string Status,
    DateTime LatestValid,
    [property: ApiField(Choices = ["trial", "non_production"], EnumName = "LicenseFlagsEnum")]
    IReadOnlyList<string> LicenseFlags)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsValid => LicenseUsageStatus.IsValid(Status);
}

/// <summary>
/// The installation's licence status, computed as authentik's <c>LicenseKey.status()</c> does, from the database on
/// every request (remembered for the rest of that request only), so a licence added or removed, or a user added,
/// is seen by every node on its next request. Features gate themselves with <see cref="IsValidAsync"/> or the
/// two <c>RequireEnterprise…</c> checks.
/// </summary>
public sealed partial class LicenseStatus(IServiceScopeFactory scopes, LicenseKeys keys, TimeProvider time, ILogger<LicenseStatus> logger)
{
    public const string ObjectRequiredMessage = "Enterprise is required to create/update this object.";
    public const string EndpointRequiredMessage = "Enterprise is required to use this endpoint.";

    /// <summary>authentik's thresholds (<c>THRESHOLD_*_WEEKS</c>).</summary>
    public static readonly TimeSpan WarningAdmin = TimeSpan.FromDays(7 * 2);
    public static readonly TimeSpan WarningUser = TimeSpan.FromDays(7 * 4);
    public static readonly TimeSpan WarningExpiry = TimeSpan.FromDays(7 * 2);
    public static readonly TimeSpan ReadOnlyAfter = TimeSpan.FromDays(7 * 6);

    /// <summary>A usage record is written when none is younger than this (authentik's <c>record_usage</c>).</summary>
    public static readonly TimeSpan UsageRecordInterval = TimeSpan.FromHours(8);

    private LicenseSummary? _summary;

    /// <summary>The summary for this request, computed on first use.</summary>
    public async Task<LicenseSummary> GetSummaryAsync(CancellationToken cancellationToken = default) =>
        _summary ??= await ComputeAsync(cancellationToken);

    /// <summary>True while the status is valid or expiry_soon: enterprise features may be used.</summary>
    public async Task<bool> IsValidAsync(CancellationToken cancellationToken = default) =>
        (await GetSummaryAsync(cancellationToken)).IsValid;

    /// <summary>
    /// authentik's <c>EnterpriseRequiredMixin</c>, for create and update handlers once field validation passed:
    /// null when licensed, otherwise 400 <c>{"non_field_errors": ["Enterprise is required to create/update this object."]}</c>.
    /// </summary>
    public async Task<IResult?> RequireEnterpriseForObjectAsync(CancellationToken cancellationToken = default) =>
        await IsValidAsync(cancellationToken) ? null : ApiErrors.NonField(ObjectRequiredMessage);

    /// <summary>
    /// authentik's <c>enterprise_action</c>, for enterprise-only endpoints: null when licensed, otherwise 400 whose
    /// body is the JSON array <c>["Enterprise is required to use this endpoint."]</c>.
    /// </summary>
    public async Task<IResult?> RequireEnterpriseForEndpointAsync(CancellationToken cancellationToken = default) =>
        await IsValidAsync(cancellationToken) ? null : ApiErrors.List(EndpointRequiredMessage);

    /// <summary>After a licence changed: forget this request's summary and record usage now (authentik's post_save task).</summary>
    public async Task<LicenseSummary> RefreshAsync(CancellationToken cancellationToken = default)
    {
        _summary = null;
        return await GetSummaryAsync(cancellationToken);
    }

    private async Task<LicenseSummary> ComputeAsync(CancellationToken cancellationToken)
    {
        // A scope of its own: the caller's DbContext may hold unsaved changes that a usage record must not commit.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var total = await TotalAsync(db, cancellationToken);
        var (internalUsers, externalUsers) = await CountActiveUsersAsync(db, cancellationToken);
        var status = await StatusAsync(db, total, internalUsers, externalUsers, now, cancellationToken);
        // authentik records the status it computed, which is "valid" while over the limit within the grace period, so
        // a node recording every few hours would restart the grace period forever. Warden marks a record "valid" only
        // when the users were within the licensed numbers, so the grace periods count from the last time they were.
        var exceeded = total.Licensed && (internalUsers > total.InternalUsers || externalUsers > total.ExternalUsers);
        var recorded = exceeded && status == LicenseUsageStatus.Valid ? LicenseUsageStatus.LimitExceededAdmin : status;
        await RecordUsageAsync(db, internalUsers, externalUsers, recorded, now, cancellationToken);
        return new LicenseSummary(Clamp(total.InternalUsers), Clamp(total.ExternalUsers), status,
            DateTime.UnixEpoch.AddSeconds(total.ExpiresAt), total.Flags);
    }

    private static int Clamp(long value) => (int)Math.Min(value, int.MaxValue);

    private sealed record Total(bool Licensed, long InternalUsers, long ExternalUsers, long ExpiresAt, List<string> Flags);

    /// <summary>
    /// authentik's <c>get_total</c>: every installed licence, expired or not, adds its users; the latest expiry
    /// wins. A licence whose signer is no longer trusted counts as absent.
    /// </summary>
    private async Task<Total> TotalAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        var licenses = await db.Set<License>().AsNoTracking().OrderBy(l => l.Name).ThenBy(l => l.Id).ToListAsync(cancellationToken);
        var total = new Total(false, 0, 0, 0, []);
        foreach (var license in licenses)
        {
            var claims = keys.ReadTrusted(license.Key);
            if (claims is null)
            {
                LogUntrusted(logger, license.Id);
                continue;
            }
            var expiresAt = new DateTimeOffset(license.Expiry, TimeSpan.Zero).ToUnixTimeSeconds();
            total = total with
            {
                Licensed = true,
                InternalUsers = total.InternalUsers + license.InternalUsers,
                ExternalUsers = total.ExternalUsers + license.ExternalUsers,
                ExpiresAt = Math.Max(total.ExpiresAt, expiresAt),
            };
            total.Flags.AddRange(claims.Flags);
        }
        return total;
    }

    /// <summary>
    /// The users a licence pays for, as authentik counts them: active, not the anonymous user, of type internal or
    /// external (service accounts are neither).
    /// </summary>
    public static async Task<(long Internal, long External)> CountActiveUsersAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        var counts = await db.Users
            .Where(u => u.IsActive && u.Username != User.AnonymousUsername && (u.Type == UserType.Internal || u.Type == UserType.External))
            .GroupBy(u => u.Type)
            .Select(g => new { Type = g.Key, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        return (counts.Where(c => c.Type == UserType.Internal).Sum(c => c.Count),
            counts.Where(c => c.Type == UserType.External).Sum(c => c.Count));
    }

    private static async Task<string> StatusAsync(WardenDbContext db, Total total, long internalUsers, long externalUsers, DateTime now, CancellationToken cancellationToken)
    {
        if (!total.Licensed)
        {
            return LicenseUsageStatus.Unlicensed;
        }
        if (internalUsers > total.InternalUsers || externalUsers > total.ExternalUsers)
        {
            // The grace periods count from the last time a usage record found everything in order.
            var lastValid = await db.Set<LicenseUsage>()
                .Where(u => u.Status == LicenseUsageStatus.Valid)
                .OrderByDescending(u => u.RecordDate)
                .Select(u => (DateTime?)u.RecordDate)
                .FirstOrDefaultAsync(cancellationToken) ?? DateTime.UnixEpoch;
            if (lastValid < now - ReadOnlyAfter)
            {
                return LicenseUsageStatus.ReadOnly;
            }
            if (lastValid < now - WarningUser)
            {
                return LicenseUsageStatus.LimitExceededUser;
            }
            if (lastValid < now - WarningAdmin)
            {
                return LicenseUsageStatus.LimitExceededAdmin;
            }
        }
        var expiry = DateTime.UnixEpoch.AddSeconds(total.ExpiresAt);
        if (expiry < now)
        {
            return expiry < now - ReadOnlyAfter ? LicenseUsageStatus.ReadOnly : LicenseUsageStatus.Expired;
        }
        if (expiry <= now + WarningExpiry)
        {
            return LicenseUsageStatus.ExpirySoon;
        }
        return LicenseUsageStatus.Valid;
    }

    /// <summary>
    /// authentik's <c>record_usage</c>: at most one record per eight hours, holding the counts and the status just
    /// computed. Two nodes may both write one at the same moment; a duplicate record changes no outcome.
    /// </summary>
    private async Task RecordUsageAsync(WardenDbContext db, long internalUsers, long externalUsers, string status, DateTime now, CancellationToken cancellationToken)
    {
        try
        {
            var threshold = now - UsageRecordInterval;
            if (await db.Set<LicenseUsage>().AnyAsync(u => u.RecordDate >= threshold, cancellationToken))
            {
                return;
            }
            await db.Set<LicenseUsage>().Where(u => u.Expiring && u.Expires <= now).ExecuteDeleteAsync(cancellationToken);
            db.Set<LicenseUsage>().Add(new LicenseUsage
            {
                InternalUserCount = internalUsers,
                ExternalUserCount = externalUsers,
                Status = status,
                RecordDate = now,
                Expires = now + LicenseUsage.Retention,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException && !cancellationToken.IsCancellationRequested)
        {
            // The status itself was computed; a missed record only delays the next one.
            LogRecordFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "License {LicenseId} is not signed by a trusted key and is not counted")]
    private static partial void LogUntrusted(ILogger logger, Guid licenseId);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Failed to record license usage")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception);
}
