using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Warden.Persistence;

namespace Warden.Core;

/// <summary>
/// authentik's <c>User.uid</c>: <c>sha256("{id}-{install identifier}")</c> in hex, a stable per-installation id
/// that providers expose instead of the database key.
/// </summary>
public static class UserUid
{
    /// <summary>
    /// The installation's identifier: the uuid of the AnonymousUser row, which bootstrap creates once per
    /// database, so every node computes the same uid without any node-local state.
    /// </summary>
    public static async Task<string> InstallIdAsync(WardenDbContext db, CancellationToken cancellationToken) =>
        (await db.Users.AsNoTracking().Where(u => u.Username == User.AnonymousUsername)
            .Select(u => u.Uuid).FirstOrDefaultAsync(cancellationToken)).ToString();

    public static string Of(int userId, string installId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes($"{userId}-{installId}")));
}
