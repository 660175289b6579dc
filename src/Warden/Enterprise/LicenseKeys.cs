using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Warden.Enterprise;

/// <summary>Licence configuration (<c>Enterprise:*</c>).</summary>
public sealed class EnterpriseOptions
{
    public const string Section = "Enterprise";

    /// <summary>
    /// PEM-encoded P-521 public keys (<c>-----BEGIN PUBLIC KEY-----</c>) whose ES512 signatures on licence keys
    /// are trusted. None by default: without one, no licence can be installed. Set with
    /// <c>Enterprise__LicensePublicKeys__0</c> or an <c>Enterprise:LicensePublicKeys</c> array in appsettings.json.
    /// </summary>
    public List<string> LicensePublicKeys { get; set; } = [];
}

/// <summary>The claims of a licence key whose signature verified (authentik's <c>LicenseKey</c>).</summary>
public sealed record LicenseClaims(
    string Audience, long ExpiresAt, string Name, long InternalUsers, long ExternalUsers, IReadOnlyList<string> Flags)
{
    public DateTime Expiry => DateTimeOffset.FromUnixTimeSeconds(ExpiresAt).UtcDateTime;
}

/// <summary>The outcome of validating a licence key: its claims, or authentik's message for the <c>key</c> field.</summary>
public sealed record LicenseKeyResult(LicenseClaims? Claims, string? Error)
{
    public bool IsValid => Claims is not null;
}

/// <summary>
/// Licence keys: JWTs signed with ES512 whose audience names this installation
/// (<c>enterprise.goauthentik.io/license/&lt;install id&gt;</c>), with authentik's claims <c>exp</c>, <c>name</c>,
/// <c>internal_users</c>, <c>external_users</c> and <c>license_flags</c>. Where authentik checks a certificate chain
/// up to its own root, Warden checks the signature against the public keys its operators configured.
/// </summary>
public sealed class LicenseKeys : IDisposable
{
    public const string AudiencePrefix = "enterprise.goauthentik.io/license/";
    public const string Algorithm = SecurityAlgorithms.EcdsaSha512;
    public const string UnableToVerifyMessage = "Unable to verify license";
    public const string InvalidInstallIdMessage = "Invalid Install ID in license";

    /// <summary>authentik's <c>LicenseFlagsEnum</c>.</summary>
    public static readonly string[] KnownFlags = ["trial", "non_production"];

    private const int MaxCachedKeys = 1024;

    private readonly List<ECDsa> _trusted;

    // Signature checks are pure functions of the key text and the configured public keys, so remembering the
    // verified ones is safe on every node; keys that failed are never remembered.
    private readonly ConcurrentDictionary<string, Payload> _verified = new(StringComparer.Ordinal);

    public LicenseKeys(EnterpriseOptions options)
    {
        _trusted = [];
        for (var i = 0; i < options.LicensePublicKeys.Count; i++)
        {
            try
            {
                _trusted.Add(ImportPublicKey(options.LicensePublicKeys[i]));
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                // Fail at start: a typo here would otherwise silently leave every licence untrusted.
                throw new InvalidOperationException($"Enterprise:LicensePublicKeys:{i} is not a PEM-encoded P-521 public key: {ex.Message}", ex);
            }
        }
    }

    public int TrustedKeyCount => _trusted.Count;

    /// <summary>
    /// Full check of a key being installed, as authentik's serializer does: signed by a trusted key, then the
    /// audience (<c>Invalid Install ID in license</c>), then expiry and the claims (<c>Unable to verify license</c>).
    /// </summary>
    public LicenseKeyResult Validate(string key, string audience, DateTimeOffset now)
    {
        var payload = Verify(key);
        if (payload is null)
        {
            return new LicenseKeyResult(null, UnableToVerifyMessage);
        }
        if (payload.Audience != audience)
        {
            return new LicenseKeyResult(null, InvalidInstallIdMessage);
        }
        var seconds = now.ToUnixTimeMilliseconds() / 1000.0;
        // PyJWT's rules: expired when exp <= now; not yet valid when nbf or iat lie in the future.
        if (payload.Claims is null || payload.Claims.ExpiresAt <= seconds
            || payload.NotBefore > seconds || payload.IssuedAt > seconds || payload.TimesInvalid)
        {
            return new LicenseKeyResult(null, UnableToVerifyMessage);
        }
        return new LicenseKeyResult(payload.Claims, null);
    }

    /// <summary>
    /// The claims of a stored key while its signer is still trusted, expired or not (authentik's
    /// <c>License.status</c>); null once its public key is no longer configured, so the licence stops counting.
    /// </summary>
    public LicenseClaims? ReadTrusted(string key) => Verify(key)?.Claims;

    private Payload? Verify(string key)
    {
        if (_verified.TryGetValue(key, out var known))
        {
            return known;
        }
        var payload = VerifyUncached(key);
        if (payload is not null)
        {
            if (_verified.Count >= MaxCachedKeys)
            {
                _verified.Clear();
            }
            _verified[key] = payload;
        }
        return payload;
    }

    private Payload? VerifyUncached(string key)
    {
        if (_trusted.Count == 0 || string.IsNullOrWhiteSpace(key))
        {
            return null;
        }
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(key.Trim());
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException or JsonException or FormatException)
        {
            return null;
        }
        if (token.Alg != Algorithm || token.EncodedSignature.Length == 0)
        {
            return null;
        }
        byte[] signature;
        try
        {
            signature = Base64UrlEncoder.DecodeBytes(token.EncodedSignature);
        }
        catch (FormatException)
        {
            return null;
        }
        // JWS ES512 signs "header.payload" with SHA-512; the signature is r||s, .NET's default (IEEE P1363) format.
        var signed = Encoding.ASCII.GetBytes(token.EncodedHeader + "." + token.EncodedPayload);
        if (!_trusted.Any(k => k.VerifyData(signed, signature, HashAlgorithmName.SHA512)))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(Base64UrlEncoder.Decode(token.EncodedPayload));
            return Payload.Read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A licence key for <paramref name="installId"/>, signed with the P-521 <paramref name="privateKey"/>.</summary>
    public static string Issue(ECDsa privateKey, string installId, string name, int internalUsers, int externalUsers,
        DateTimeOffset expires, IEnumerable<string>? flags = null)
    {
        if (privateKey.KeySize != 521)
        {
            throw new ArgumentException("The signing key must be a P-521 (ES512) key.", nameof(privateKey));
        }
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var descriptor = new SecurityTokenDescriptor
        {
            // No provider cache: it would keep a provider for this key material after the caller disposed the key.
            SigningCredentials = new SigningCredentials(
                new ECDsaSecurityKey(privateKey) { CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } }, Algorithm),
            Claims = new Dictionary<string, object>
            {
                ["aud"] = AudiencePrefix + installId,
                ["exp"] = expires.ToUnixTimeSeconds(),
                ["name"] = name,
                ["internal_users"] = internalUsers,
                ["external_users"] = externalUsers,
                ["license_flags"] = (flags ?? []).ToList(),
            },
        };
        return handler.CreateToken(descriptor);
    }

    /// <summary>A new P-521 key pair: PKCS#8 private key PEM and SubjectPublicKeyInfo public key PEM.</summary>
    public static (string PrivateKeyPem, string PublicKeyPem) GenerateKeyPair()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        return (key.ExportPkcs8PrivateKeyPem(), key.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>Reads a <c>PUBLIC KEY</c> PEM (literal <c>\n</c> sequences allowed, for one-line environment variables).</summary>
    public static ECDsa ImportPublicKey(string pem) => Import(pem, "PUBLIC KEY");

    /// <summary>Reads a PKCS#8 <c>PRIVATE KEY</c> or SEC1 <c>EC PRIVATE KEY</c> PEM.</summary>
    public static ECDsa ImportPrivateKey(string pem)
    {
        var text = Normalize(pem);
        var label = PemLabel(text);
        if (label is not ("PRIVATE KEY" or "EC PRIVATE KEY"))
        {
            throw new ArgumentException("Expected a PEM block labelled PRIVATE KEY or EC PRIVATE KEY.");
        }
        return ImportChecked(text);
    }

    private static ECDsa Import(string pem, string expectedLabel)
    {
        var text = Normalize(pem);
        if (PemLabel(text) != expectedLabel)
        {
            // A private key pasted here would work, but would put the signing key into every node's configuration.
            throw new ArgumentException($"Expected a PEM block labelled {expectedLabel}.");
        }
        return ImportChecked(text);
    }

    private static ECDsa ImportChecked(string text)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(text);
            if (key.KeySize != 521)
            {
                throw new ArgumentException($"Expected a P-521 key, got a {key.KeySize}-bit key.");
            }
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static string Normalize(string pem) => pem.Replace("\\n", "\n", StringComparison.Ordinal).Trim();

    private static string? PemLabel(string text) =>
        PemEncoding.TryFind(text, out var fields) ? text[fields.Label] : null;

    public void Dispose()
    {
        foreach (var key in _trusted)
        {
            key.Dispose();
        }
    }

    /// <summary>What a signature-verified payload says; the time checks are made by the caller with its clock.</summary>
    private sealed record Payload(string? Audience, double? NotBefore, double? IssuedAt, bool TimesInvalid, LicenseClaims? Claims)
    {
        public static Payload Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new Payload(null, null, null, true, null);
            }
            var audience = root.TryGetProperty("aud", out var aud) && aud.ValueKind == JsonValueKind.String ? aud.GetString() : null;
            var timesInvalid = false;
            double? Time(string name)
            {
                if (!root.TryGetProperty(name, out var value))
                {
                    return null;
                }
                if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number))
                {
                    return number;
                }
                timesInvalid = true;
                return null;
            }
            var notBefore = Time("nbf");
            var issuedAt = Time("iat");
            return new Payload(audience, notBefore, issuedAt, timesInvalid, ReadClaims(root, audience));
        }

        /// <summary>authentik's LicenseKey dataclass: exp and name required, user numbers default 0, flags default [].</summary>
        private static LicenseClaims? ReadClaims(JsonElement root, string? audience)
        {
            if (audience is null
                || !root.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number || !exp.TryGetInt64(out var expiresAt)
                || expiresAt < 0 || expiresAt > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
                || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            long? Count(string property)
            {
                if (!root.TryGetProperty(property, out var value))
                {
                    return 0;
                }
                // authentik's schema types these as plain integers: keep them within 32 bits.
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 0 ? n : null;
            }
            var internalUsers = Count("internal_users");
            var externalUsers = Count("external_users");
            if (internalUsers is null || externalUsers is null)
            {
                return null;
            }
            var flags = new List<string>();
            if (root.TryGetProperty("license_flags", out var list))
            {
                if (list.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }
                foreach (var flag in list.EnumerateArray())
                {
                    if (flag.ValueKind != JsonValueKind.String || !KnownFlags.Contains(flag.GetString()))
                    {
                        return null;
                    }
                    flags.Add(flag.GetString()!);
                }
            }
            return new LicenseClaims(audience, expiresAt, name.GetString()!, internalUsers.Value, externalUsers.Value, flags);
        }
    }
}
