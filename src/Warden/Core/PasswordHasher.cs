using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Warden.Core;

/// <summary>Configuration section <c>Passwords</c>.</summary>
public sealed class PasswordOptions
{
    /// <summary>
    /// PBKDF2-HMAC-SHA256 iterations for new hashes. Default 600 000 (OWASP's 2023 figure for PBKDF2-SHA256);
    /// about 0.2 s of one core per hash on the project's reference machine.
    /// </summary>
    public int Iterations { get; set; } = 600_000;
}

/// <summary>
/// Django-compatible password hashes: new hashes are <c>pbkdf2_sha256$iterations$salt$hash</c>, so they stay
/// readable by authentik, and hashes moved from authentik verify as they are. A hash starting with "!" is
/// Django's unusable password and never verifies.
/// </summary>
public sealed class PasswordHasher(PasswordOptions options)
{
    public const string UnusablePrefix = "!";
    private const string Algorithm = "pbkdf2_sha256";

    public string Hash(string password)
    {
        var salt = RandomSalt();
        return Encode(password, salt, options.Iterations);
    }

    public static string Encode(string password, string salt, int iterations)
    {
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), iterations, HashAlgorithmName.SHA256, 32);
        return $"{Algorithm}${iterations.ToString(CultureInfo.InvariantCulture)}${salt}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Verifies in constant time; unknown formats and unusable passwords never verify.</summary>
    public static bool Verify(string password, string encoded)
    {
        if (!HasUsablePassword(encoded))
        {
            return false;
        }
        var parts = encoded.Split('$');
        if (parts.Length != 4 || parts[0] != Algorithm
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations <= 0)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(encoded);
        var actual = Encoding.ASCII.GetBytes(Encode(password, parts[2], iterations));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>
    /// A structurally valid <c>pbkdf2_sha256$iterations$salt$hash</c> (a 32-byte base64 digest), the one Django format
    /// Warden can verify.
    /// </summary>
    public static bool IsValidHash(string encoded)
    {
        var parts = encoded.Split('$');
        if (parts.Length != 4 || parts[0] != Algorithm || parts[2].Length == 0
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations <= 0)
        {
            return false;
        }
        var digest = new byte[48];
        return Convert.TryFromBase64String(parts[3], digest, out var written) && written == 32;
    }

    /// <summary>Django's <c>has_usable_password</c>.</summary>
    public static bool HasUsablePassword(string encoded) =>
        !string.IsNullOrEmpty(encoded) && !encoded.StartsWith(UnusablePrefix, StringComparison.Ordinal);

    /// <summary>Django's <c>make_password(None)</c>: "!" and 40 random characters.</summary>
    public static string Unusable() => UnusablePrefix + RandomString(40);

    /// <summary>The iteration count in a stored hash, to tell whether it should be upgraded.</summary>
    public bool NeedsRehash(string encoded)
    {
        var parts = encoded.Split('$');
        return parts.Length != 4 || parts[0] != Algorithm
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations < options.Iterations;
    }

    private static string RandomSalt() => RandomString(22);

    private static string RandomString(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}
