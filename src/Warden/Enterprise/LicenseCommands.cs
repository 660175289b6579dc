using System.CommandLine;
using System.Globalization;
using Warden.Core;
using Warden.Persistence;

namespace Warden.Enterprise;

/// <summary>
/// <c>warden license keygen | issue | install-id</c>: how an operator makes the signing key pair, reads this
/// installation's id, and issues licence keys for it. Only <c>install-id</c> touches the database.
/// </summary>
public static class LicenseCommands
{
    public static Command Create(Func<string[], WebApplication> build)
    {
        var license = new Command("license", "Manage enterprise licence keys.");
        license.Subcommands.Add(Keygen());
        license.Subcommands.Add(Issue());
        license.Subcommands.Add(InstallId(build));
        return license;
    }

    private static Command Keygen()
    {
        var privateKey = new Option<FileInfo>("--private-key")
        {
            Description = "Where to write the private (signing) key; keep it off the servers.",
            DefaultValueFactory = _ => new FileInfo("license-private.pem"),
        };
        var publicKey = new Option<FileInfo>("--public-key")
        {
            Description = "Where to write the public key, for Enterprise:LicensePublicKeys.",
            DefaultValueFactory = _ => new FileInfo("license-public.pem"),
        };
        var force = new Option<bool>("--force") { Description = "Overwrite existing files." };
        var command = new Command("keygen", "Write a new P-521 key pair for signing licence keys (PEM files).") { privateKey, publicKey, force };
        command.SetAction(async (result, ct) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var privatePath = result.GetValue(privateKey)!;
            var publicPath = result.GetValue(publicKey)!;
            if (!result.GetValue(force) && (privatePath.Exists || publicPath.Exists))
            {
                await error.WriteLineAsync($"{(privatePath.Exists ? privatePath : publicPath).FullName} exists; use --force to overwrite it.");
                return 1;
            }
            var (privatePem, publicPem) = LicenseKeys.GenerateKeyPair();
            await WritePrivateAsync(privatePath.FullName, privatePem, ct);
            await File.WriteAllTextAsync(publicPath.FullName, publicPem + "\n", ct);
            await output.WriteLineAsync($"Private key: {privatePath.FullName}");
            await output.WriteLineAsync($"Public key:  {publicPath.FullName}");
            return 0;
        });
        return command;
    }

    private static Command Issue()
    {
        var key = new Option<FileInfo>("--key") { Description = "The private key PEM written by keygen.", Required = true };
        var installId = new Option<string>("--install-id") { Description = "The installation's id (warden license install-id).", Required = true };
        var name = new Option<string>("--name") { Description = "The licence's name.", Required = true };
        var internalUsers = new Option<int>("--internal-users") { Description = "Licensed internal users.", Required = true };
        var externalUsers = new Option<int>("--external-users") { Description = "Licensed external users.", Required = true };
        var expires = new Option<string>("--expires") { Description = "Expiry, ISO 8601 (a date means midnight UTC).", Required = true };
        var flags = new Option<string[]>("--flag")
        {
            Description = "A licence flag (trial, non_production); repeat for several.",
            AllowMultipleArgumentsPerToken = false,
        };
        flags.AcceptOnlyFromAmong(LicenseKeys.KnownFlags);
        var command = new Command("issue", "Print a licence key for an installation, signed with the private key.")
        {
            key, installId, name, internalUsers, externalUsers, expires, flags,
        };
        command.SetAction(async (result, ct) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (!DateTimeOffset.TryParse(result.GetValue(expires), CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiry))
            {
                await error.WriteLineAsync("--expires must be an ISO 8601 date or date and time, e.g. 2027-12-31 or 2027-12-31T23:59:59Z.");
                return 2;
            }
            if (result.GetValue(internalUsers) < 0 || result.GetValue(externalUsers) < 0)
            {
                await error.WriteLineAsync("User numbers must not be negative.");
                return 2;
            }
            var id = result.GetValue(installId)!.Trim();
            if (!Guid.TryParse(id, out _))
            {
                await error.WriteLineAsync("--install-id must be the installation's id, a UUID (warden license install-id prints it).");
                return 2;
            }
            System.Security.Cryptography.ECDsa signer;
            try
            {
                signer = LicenseKeys.ImportPrivateKey(await File.ReadAllTextAsync(result.GetValue(key)!.FullName, ct));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                await error.WriteLineAsync($"Cannot read the private key: {ex.Message}");
                return 1;
            }
            using (signer)
            {
                await output.WriteLineAsync(LicenseKeys.Issue(signer, id, result.GetValue(name)!, result.GetValue(internalUsers),
                    result.GetValue(externalUsers), expiry, result.GetValue(flags) ?? []));
            }
            return 0;
        });
        return command;
    }

    private static Command InstallId(Func<string[], WebApplication> build)
    {
        var command = new Command("install-id", "Print this installation's id (created on first need), which licence keys must name.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(async (result, ct) =>
        {
            // Logs go to standard error, so that `$(warden license install-id)` captures the id alone.
            await using var app = build(["--Logging:Console:LogToStandardErrorThreshold=Trace", .. result.UnmatchedTokens]);
            await app.Services.MigrateAsync(ct);
            await result.InvocationConfiguration.Output.WriteLineAsync(await app.Services.GetRequiredService<InstallIds>().GetAsync(ct));
            return 0;
        });
        return command;
    }

    /// <summary>Creates the private key file readable by its owner only (on Unix) before any key material is written.</summary>
    private static async Task WritePrivateAsync(string path, string pem, CancellationToken ct)
    {
        // Replaced rather than truncated, so an overwritten file gets the owner-only mode too.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(pem.AsMemory(), ct);
        await writer.WriteAsync("\n");
    }
}
