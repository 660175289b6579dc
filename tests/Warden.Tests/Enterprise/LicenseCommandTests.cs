using System.CommandLine;
using System.Net;
using Warden.Enterprise;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Enterprise;

public sealed class LicenseCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, Providers]
    public async Task KeygenThenIssueGivesAKeyTheServerAccepts(string provider)
    {
        var directory = Directory.CreateTempSubdirectory("warden-license-");
        try
        {
            var privateKey = Path.Combine(directory.FullName, "private.pem");
            var publicKey = Path.Combine(directory.FullName, "public.pem");
            var keygen = await RunAsync("keygen", "--private-key", privateKey, "--public-key", publicKey);
            Assert.Equal(0, keygen.Code);
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(privateKey, Ct), StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateKey));
            }

            await using var app = await TestApp.StartAsync(provider, new() { [TestLicenses.PublicKeySetting] = await File.ReadAllTextAsync(publicKey, Ct) });
            var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
            var installId = (await (await client.GetAsync("/api/v3/enterprise/license/install_id/", Ct)).BodyAsync())["install_id"]!.GetValue<string>();

            var issue = await RunAsync("issue", "--key", privateKey, "--install-id", installId, "--name", "Round trip",
                "--internal-users", "10", "--external-users", "5", "--expires", "2027-12-31", "--flag", "trial");
            Assert.Equal((0, ""), (issue.Code, issue.Error));
            var key = issue.Output.Trim();

            var created = await client.PostAsync("/api/v3/enterprise/license/", Json.Content(new { key }), Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var body = await created.BodyAsync();
            Assert.Equal(("Round trip", "2027-12-31T00:00:00Z", 10, 5),
                (body["name"]!.GetValue<string>(), body["expiry"]!.GetValue<string>(), body["internal_users"]!.GetValue<int>(), body["external_users"]!.GetValue<int>()));
            await (await client.GetAsync("/api/v3/enterprise/license/summary/", Ct)).AssertJsonAsync(200, """
                {"internal_users": 10, "external_users": 5, "status": "valid", "latest_valid": "2027-12-31T00:00:00Z", "license_flags": ["trial"]}
                """);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory, Providers]
    public async Task InstallIdCommandPrintsTheIdTheServerUses(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var client = await app.AsTokenAsync(await app.CreateUserAsync(superuser: true));
        var args = app.Settings.Select(s => $"--{s.Key}={s.Value}").ToList();

        // The command line is a node of its own: it creates the id, and the server then reads the same one.
        var first = await RunAsync(["install-id", .. args]);
        var second = await RunAsync(["install-id", .. args]);

        Assert.Equal(0, first.Code);
        Assert.Equal(first.Output, second.Output);
        var served = (await (await client.GetAsync("/api/v3/enterprise/license/install_id/", Ct)).BodyAsync())["install_id"]!.GetValue<string>();
        Assert.Equal(served, first.Output.Trim());
    }

    [Fact]
    public async Task KeygenDoesNotOverwriteKeysUnlessForced()
    {
        var directory = Directory.CreateTempSubdirectory("warden-license-");
        try
        {
            var privateKey = Path.Combine(directory.FullName, "private.pem");
            var publicKey = Path.Combine(directory.FullName, "public.pem");
            Assert.Equal(0, (await RunAsync("keygen", "--private-key", privateKey, "--public-key", publicKey)).Code);
            var original = await File.ReadAllTextAsync(privateKey, Ct);

            var again = await RunAsync("keygen", "--private-key", privateKey, "--public-key", publicKey);
            Assert.Equal(1, again.Code);
            Assert.Contains("exists; use --force", again.Error, StringComparison.Ordinal);
            Assert.Equal(original, await File.ReadAllTextAsync(privateKey, Ct));

            Assert.Equal(0, (await RunAsync("keygen", "--private-key", privateKey, "--public-key", publicKey, "--force")).Code);
            Assert.NotEqual(original, await File.ReadAllTextAsync(privateKey, Ct));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task IssueRefusesBadInput()
    {
        var directory = Directory.CreateTempSubdirectory("warden-license-");
        try
        {
            var privateKey = Path.Combine(directory.FullName, "private.pem");
            var publicKey = Path.Combine(directory.FullName, "public.pem");
            await RunAsync("keygen", "--private-key", privateKey, "--public-key", publicKey);
            string[] valid = ["issue", "--key", privateKey, "--install-id", Guid.NewGuid().ToString(), "--name", "n",
                "--internal-users", "1", "--external-users", "1", "--expires", "2030-01-01"];

            Assert.Equal(0, (await RunAsync(valid)).Code);
            Assert.Equal(2, (await RunAsync([.. valid[..^1], "next tuesday"])).Code);
            Assert.Equal(2, (await RunAsync([.. valid.Select(a => a == valid[4] ? "not-an-id" : a)])).Code);
            Assert.Equal(1, (await RunAsync([.. valid.Select(a => a == privateKey ? publicKey : a)])).Code);
            Assert.NotEqual(0, (await RunAsync([.. valid, "--flag", "unlimited"])).Code);
            Assert.NotEqual(0, (await RunAsync(valid[..^2])).Code);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunAsync(args.ToList());

    /// <summary>Runs <c>warden license …</c> in-process, capturing what it prints.</summary>
    private static async Task<(int Code, string Output, string Error)> RunAsync(IReadOnlyList<string> args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var command = LicenseCommands.Create(Program.Build);
        var code = await command.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Ct);
        return (code, output.ToString(), error.ToString());
    }
}
