using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Warden.Core;
using Warden.Enterprise;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Enterprise;

public sealed class LicenseStatusTests
{
    private const string Summary = "/api/v3/enterprise/license/summary/";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, Providers]
    public async Task WithoutALicenceTheInstallationIsUnlicensed(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync());

        var response = await client.GetAsync(Summary, Ct);

        await response.AssertJsonAsync(200, """
            {"internal_users": 0, "external_users": 0, "status": "unlicensed", "latest_valid": "1970-01-01T00:00:00Z", "license_flags": []}
            """);
        Assert.False(await IsValidAsync(app));
    }

    [Theory, Providers]
    public async Task AValidLicenceIsValid(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync());
        await TestLicenses.InstallAsync(app, "Main", 10, 20, new DateTimeOffset(2027, 11, 25, 12, 0, 0, TimeSpan.Zero));

        var response = await client.GetAsync(Summary + "?cached=false", Ct);

        await response.AssertJsonAsync(200, """
            {"internal_users": 10, "external_users": 20, "status": "valid", "latest_valid": "2027-11-25T12:00:00Z", "license_flags": []}
            """);
        Assert.True(await IsValidAsync(app));
    }

    [Theory, Providers]
    public async Task LicencesAddUpAndTheLatestExpiryCounts(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync());
        await TestLicenses.InstallAsync(app, "A", 10, 1, new DateTimeOffset(2027, 5, 1, 0, 0, 0, TimeSpan.Zero), ["trial"]);
        await TestLicenses.InstallAsync(app, "B", 5, 2, new DateTimeOffset(2028, 5, 1, 0, 0, 0, TimeSpan.Zero), ["non_production", "trial"]);

        await (await client.GetAsync(Summary, Ct)).AssertJsonAsync(200, """
            {"internal_users": 15, "external_users": 3, "status": "valid", "latest_valid": "2028-05-01T00:00:00Z",
             "license_flags": ["trial", "non_production", "trial"]}
            """);
    }

    [Theory, Providers]
    public async Task TwoWeeksBeforeExpiryTheLicenceExpiresSoon(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var expiry = app.Clock.GetUtcNow().AddDays(30);
        await TestLicenses.InstallAsync(app, expires: expiry);

        app.Clock.SetUtcNow(expiry - TimeSpan.FromDays(14) - TimeSpan.FromSeconds(1));
        Assert.Equal("valid", await StatusAsync(app));
        app.Clock.SetUtcNow(expiry - TimeSpan.FromDays(14));
        Assert.Equal("expiry_soon", await StatusAsync(app));
        Assert.True(await IsValidAsync(app));
        app.Clock.SetUtcNow(expiry);
        Assert.Equal("expiry_soon", await StatusAsync(app));
    }

    [Theory, Providers]
    public async Task AfterExpiryTheLicenceIsExpiredThenReadOnlyAfterSixWeeks(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var expiry = app.Clock.GetUtcNow().AddDays(30);
        await TestLicenses.InstallAsync(app, expires: expiry);

        app.Clock.SetUtcNow(expiry + TimeSpan.FromSeconds(1));
        Assert.Equal("expired", await StatusAsync(app));
        Assert.False(await IsValidAsync(app));
        app.Clock.SetUtcNow(expiry + TimeSpan.FromDays(42));
        Assert.Equal("expired", await StatusAsync(app));
        app.Clock.SetUtcNow(expiry + TimeSpan.FromDays(42) + TimeSpan.FromSeconds(1));
        Assert.Equal("read_only", await StatusAsync(app));
        Assert.False(await IsValidAsync(app));
    }

    [Theory, Providers]
    public async Task OverTheInternalUserLimitTheGracePeriodsEscalate(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var start = app.Clock.GetUtcNow();
        // akadmin is the one internal user; the licence covers two.
        await TestLicenses.InstallAsync(app, internalUsers: 2, externalUsers: 0);
        await app.CreateUserAsync();
        Assert.Equal("valid", await StatusAsync(app));
        await app.CreateUserAsync();

        // Every few hours a node looks at the status; within the first two weeks nothing changes.
        for (var hours = 0; hours <= 14 * 24; hours += 6)
        {
            app.Clock.SetUtcNow(start + TimeSpan.FromHours(hours));
            Assert.Equal("valid", await StatusAsync(app));
        }
        app.Clock.SetUtcNow(start + TimeSpan.FromDays(14) + TimeSpan.FromSeconds(1));
        Assert.Equal("limit_exceeded_admin", await StatusAsync(app));
        Assert.False(await IsValidAsync(app));
        app.Clock.SetUtcNow(start + TimeSpan.FromDays(28));
        Assert.Equal("limit_exceeded_admin", await StatusAsync(app));
        app.Clock.SetUtcNow(start + TimeSpan.FromDays(28) + TimeSpan.FromSeconds(1));
        Assert.Equal("limit_exceeded_user", await StatusAsync(app));
        app.Clock.SetUtcNow(start + TimeSpan.FromDays(42) + TimeSpan.FromSeconds(1));
        Assert.Equal("read_only", await StatusAsync(app));

        // Back under the limit, the licence is valid again on the very next request.
        await app.WithDbAsync(db => db.Users.Where(u => u.Username.StartsWith("user-"))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false)));
        Assert.Equal("valid", await StatusAsync(app));
    }

    [Theory, Providers]
    public async Task OverTheExternalUserLimitCountsToo(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var start = app.Clock.GetUtcNow();
        await TestLicenses.InstallAsync(app, internalUsers: 5, externalUsers: 1);
        await app.CreateUserAsync(type: UserType.External);
        await app.CreateUserAsync(type: UserType.External);

        app.Clock.SetUtcNow(start + TimeSpan.FromDays(14));
        Assert.Equal("valid", await StatusAsync(app));
        app.Clock.SetUtcNow(start + TimeSpan.FromDays(14) + TimeSpan.FromSeconds(1));
        Assert.Equal("limit_exceeded_admin", await StatusAsync(app));
    }

    [Theory, Providers]
    public async Task InactiveUsersServiceAccountsAndTheAnonymousUserAreNotCounted(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var start = app.Clock.GetUtcNow();
        await TestLicenses.InstallAsync(app, internalUsers: 1, externalUsers: 0);
        await app.CreateUserAsync(active: false);
        await app.CreateUserAsync(type: UserType.External, active: false);
        await app.CreateUserAsync(type: UserType.ServiceAccount);
        await app.CreateUserAsync(type: UserType.InternalServiceAccount);

        app.Clock.SetUtcNow(start + TimeSpan.FromDays(50));
        Assert.Equal("valid", await StatusAsync(app));
    }

    [Theory, Providers]
    public async Task InstallingALicenceAlreadyOverTheLimitIsReadOnlyAtOnce(string provider)
    {
        // As in authentik: no usage record ever found the users within the limit, so there is no grace period.
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        await app.CreateUserAsync();
        await TestLicenses.InstallAsync(app, internalUsers: 1, externalUsers: 0);
        Assert.Equal("read_only", await StatusAsync(app));
    }

    [Theory, Providers]
    public async Task UsageIsRecordedAtMostEveryEightHours(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        var start = app.Clock.GetUtcNow().UtcDateTime;
        await TestLicenses.InstallAsync(app, internalUsers: 10, externalUsers: 10);
        await app.CreateUserAsync(type: UserType.External);
        app.Clock.Advance(TimeSpan.FromHours(7));
        await StatusAsync(app);
        app.Clock.Advance(TimeSpan.FromHours(1));
        await StatusAsync(app);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await StatusAsync(app);

        var records = await app.WithDbAsync(db => db.Set<LicenseUsage>().OrderBy(u => u.RecordDate).ToListAsync());
        Assert.Equal(
            [(start, 1L, 0L, "valid"), (start.AddHours(8).AddSeconds(1), 1L, 1L, "valid")],
            records.Select(r => (r.RecordDate, r.InternalUserCount, r.ExternalUserCount, r.Status)));
        Assert.All(records, r => Assert.Equal(r.RecordDate + TimeSpan.FromDays(90), r.Expires));

        // Records past their three months are removed when the next one is written.
        app.Clock.Advance(TimeSpan.FromDays(91));
        await StatusAsync(app);
        Assert.Single(await app.WithDbAsync(db => db.Set<LicenseUsage>().ToListAsync()));
    }

    [Theory, Providers]
    public async Task ALicenceWhoseSignerIsNoLongerTrustedIsNotCounted(string provider)
    {
        await using var app = await TestLicenses.StartTrustingAsync(provider);
        await TestLicenses.InstallAsync(app);
        // The same database seen by a node configured without the public key.
        var untrusting = new LicenseStatus(app.Services.GetRequiredService<IServiceScopeFactory>(),
            new LicenseKeys(new EnterpriseOptions()), app.Clock, NullLogger<LicenseStatus>.Instance);

        Assert.Equal("unlicensed", (await untrusting.GetSummaryAsync(Ct)).Status);
        Assert.Equal("valid", await StatusAsync(app));
    }

    [Fact]
    public void AMalformedTrustedKeyStopsTheStart()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new LicenseKeys(new EnterpriseOptions { LicensePublicKeys = ["-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"] }));
        Assert.StartsWith("Enterprise:LicensePublicKeys:0 is not a PEM-encoded P-521 public key", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new LicenseKeys(new EnterpriseOptions { LicensePublicKeys = [TestLicenses.PrivateKeyPem] }));
        using var p256 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        Assert.Throws<InvalidOperationException>(() => new LicenseKeys(new EnterpriseOptions { LicensePublicKeys = [p256.ExportSubjectPublicKeyInfoPem()] }));
        // One-line environment variables may carry literal \n sequences.
        using var keys = new LicenseKeys(new EnterpriseOptions { LicensePublicKeys = [TestLicenses.PublicKeyPem.Replace("\n", "\\n", StringComparison.Ordinal)] });
        Assert.Equal(1, keys.TrustedKeyCount);
    }

    private static async Task<string> StatusAsync(TestApp app) => (await TestLicenses.SummaryAsync(app)).Status;

    private static async Task<bool> IsValidAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LicenseStatus>().IsValidAsync(Ct);
    }
}
