using Microsoft.EntityFrameworkCore;
using Warden.Brands;
using Warden.Persistence;

namespace Warden.Core;

/// <summary>
/// Runs at every start, idempotently: the default brand, the <c>authentik Admins</c> superuser group, the
/// <c>akadmin</c> user, and authentik's AUTHENTIK_BOOTSTRAP_* variables. There is never a default password.
/// </summary>
public sealed partial class Bootstrap(WardenDbContext db, PasswordHasher hasher, InstallIds installIds, TimeProvider time, IConfiguration configuration, ILogger<Bootstrap> logger)
{
    public const string AdminUsername = "akadmin";
    public const string AdminGroupName = "authentik Admins";
    public const string BootstrapTokenIdentifier = "authentik-bootstrap-token";

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // The install id exists from the first start: users' uids and licence audiences depend on it.
        await installIds.GetAsync(cancellationToken);
        if (!await db.Brands.AnyAsync(b => b.Default, cancellationToken))
        {
            db.Brands.Add(new Brand { Domain = Brand.DefaultDomain, Default = true });
        }
        if (!await db.Users.AnyAsync(u => u.Username == User.AnonymousUsername, cancellationToken))
        {
            // django-guardian's anonymous user: it exists, but can never log in or be listed as a normal user.
            db.Users.Add(new User
            {
                Username = User.AnonymousUsername,
                Name = "Anonymous User",
                IsActive = true,
                Password = PasswordHasher.Unusable(),
                DateJoined = now,
                LastUpdated = now,
                PasswordChangeDate = now,
            });
        }
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Name == AdminGroupName, cancellationToken);
        if (group is null)
        {
            group = new Group { Name = AdminGroupName, IsSuperuser = true };
            group.NumPk = GroupNumbers.NumPk(group.Id);
            db.Groups.Add(group);
        }
        var admin = await db.Users.Include(u => u.Groups).FirstOrDefaultAsync(u => u.Username == AdminUsername, cancellationToken);
        var created = false;
        if (admin is null)
        {
            created = true;
            admin = new User
            {
                Username = AdminUsername,
                Name = "authentik Default Admin",
                Email = "root@localhost",
                Password = PasswordHasher.Unusable(),
                DateJoined = now,
                LastUpdated = now,
                PasswordChangeDate = now,
            };
            db.Users.Add(admin);
        }
        if (!admin.Groups.Contains(group))
        {
            admin.Groups.Add(group);
        }
        await db.SaveChangesAsync(cancellationToken);

        // As authentik: the bootstrap variables apply when the admin is first created.
        var password = configuration["AUTHENTIK_BOOTSTRAP_PASSWORD"];
        var email = configuration["AUTHENTIK_BOOTSTRAP_EMAIL"];
        var tokenKey = configuration["AUTHENTIK_BOOTSTRAP_TOKEN"];
        if (created && !string.IsNullOrEmpty(password))
        {
            admin.Password = hasher.Hash(password);
            admin.PasswordChangeDate = now;
        }
        if (created && !string.IsNullOrEmpty(email))
        {
            admin.Email = email;
        }
        if (!string.IsNullOrEmpty(tokenKey))
        {
            var token = await db.Tokens.FirstOrDefaultAsync(t => t.Identifier == BootstrapTokenIdentifier, cancellationToken);
            if (token is null)
            {
                db.Tokens.Add(new Token
                {
                    Identifier = BootstrapTokenIdentifier,
                    Key = tokenKey,
                    Intent = TokenIntent.Api,
                    UserId = admin.Id,
                    Expiring = false,
                    Description = "Bootstrap token",
                });
            }
            else if (token.Key != tokenKey)
            {
                token.Key = tokenKey;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        if (!PasswordHasher.HasUsablePassword(admin.Password))
        {
            LogNoPassword(logger, AdminUsername);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "The administrator {Username} has no usable password. Set AUTHENTIK_BOOTSTRAP_PASSWORD before the first start, or run `warden users set-password {Username}`.")]
    private static partial void LogNoPassword(ILogger logger, string username);
}

public static class GroupNumbers
{
    /// <summary>
    /// authentik's num_pk: <c>int(str(uuid.int)[:5])</c>, the first five decimal digits of the uuid read as a
    /// big-endian 128-bit number (the LDAP outpost derives gidNumbers from it, so it must match).
    /// </summary>
    public static int NumPk(Guid id)
    {
        var value = System.Numerics.BigInteger.Parse("0" + id.ToString("N"), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        var digits = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return int.Parse(digits.Length > 5 ? digits[..5] : digits, System.Globalization.CultureInfo.InvariantCulture);
    }
}
