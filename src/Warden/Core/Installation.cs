using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Persistence;

namespace Warden.Core;

/// <summary>
/// The installation identifier, read once from the database. It never changes after the first start, so keeping
/// it in memory cannot let two nodes disagree.
/// </summary>
public sealed class Installation(InstallIds installIds)
{
    /// <summary>The install id (one row in <c>authentik_install_id</c>, shared with the licence audience).</summary>
    public Task<string> IdAsync(CancellationToken cancellationToken = default) => installIds.GetAsync(cancellationToken);

    /// <summary>authentik's <c>User.uid</c>: sha256 of "<c>{pk}-{install id}</c>", hex.</summary>
    public static string Uid(int userId, string installId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(
            userId.ToString(CultureInfo.InvariantCulture) + "-" + installId)));
}
