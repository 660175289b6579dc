using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core;
using Warden.Enterprise;

namespace Warden.Tests.Infrastructure;

/// <summary>
/// Enterprise licences for tests: one P-521 key pair per test process, apps that trust it, and valid licences
/// issued for an app's own install id and installed the way the licence API installs them.
/// <code>await using var app = await TestLicenses.StartLicensedAsync(provider);</code>
/// </summary>
public static class TestLicenses
{
    public const string PublicKeySetting = "Enterprise:LicensePublicKeys:0";

    private static readonly Lazy<(string PrivateKeyPem, string PublicKeyPem)> Pair = new(LicenseKeys.GenerateKeyPair);

    public static string PrivateKeyPem => Pair.Value.PrivateKeyPem;
    public static string PublicKeyPem => Pair.Value.PublicKeyPem;

    /// <summary><paramref name="settings"/> (or none) plus trust in the test signing key.</summary>
    public static Dictionary<string, string?> Trusting(Dictionary<string, string?>? settings = null)
    {
        var result = new Dictionary<string, string?>(settings ?? []) { [PublicKeySetting] = PublicKeyPem };
        return result;
    }

    /// <summary>An app that trusts the test signing key, with no licence installed.</summary>
    public static Task<TestApp> StartTrustingAsync(string provider, Dictionary<string, string?>? settings = null) =>
        TestApp.StartAsync(provider, Trusting(settings));

    /// <summary>An app with a valid licence installed: 100 internal and 100 external users, a year to run.</summary>
    public static async Task<TestApp> StartLicensedAsync(string provider, Dictionary<string, string?>? settings = null)
    {
        var app = await StartTrustingAsync(provider, settings);
        await InstallAsync(app);
        return app;
    }

    /// <summary>A licence key for the app's installation, signed by the test key (or <paramref name="signerPem"/>).</summary>
    public static async Task<string> IssueAsync(TestApp app, string name = "Test licence", int internalUsers = 100, int externalUsers = 100,
        DateTimeOffset? expires = null, IEnumerable<string>? flags = null, string? installId = null, string? signerPem = null)
    {
        installId ??= await app.Service<InstallIds>().GetAsync();
        using var signer = LicenseKeys.ImportPrivateKey(signerPem ?? PrivateKeyPem);
        return LicenseKeys.Issue(signer, installId, name, internalUsers, externalUsers,
            expires ?? app.Clock.GetUtcNow().AddYears(1), flags);
    }

    /// <summary>
    /// Issues and installs a licence (validated exactly as POST /api/v3/enterprise/license/ validates it), then
    /// computes the status once, which records usage as a licence change does.
    /// </summary>
    public static async Task<License> InstallAsync(TestApp app, string name = "Test licence", int internalUsers = 100, int externalUsers = 100,
        DateTimeOffset? expires = null, IEnumerable<string>? flags = null)
    {
        var key = await IssueAsync(app, name, internalUsers, externalUsers, expires, flags);
        var audience = await app.Service<InstallIds>().AudienceAsync();
        var result = app.Service<LicenseKeys>().Validate(key, audience, app.Clock.GetUtcNow());
        Assert.True(result.IsValid, result.Error);
        var license = new License();
        license.Apply(key, result.Claims!);
        await app.WithDbAsync(async db =>
        {
            db.Set<License>().Add(license);
            await db.SaveChangesAsync();
        });
        await SummaryAsync(app);
        return license;
    }

    /// <summary>The licence summary as a request would compute it now.</summary>
    public static async Task<LicenseSummary> SummaryAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LicenseStatus>().GetSummaryAsync();
    }

    /// <summary>A P-521 key pair the apps do not trust.</summary>
    public static string UntrustedPrivateKeyPem() => LicenseKeys.GenerateKeyPair().PrivateKeyPem;
}
