using System.Reflection;

namespace Warden.Blueprints;

/// <summary>
/// The blueprints shipped inside the assembly (src/Warden/Blueprints/<c>default/…</c>, <c>example/…</c>), named by
/// their path relative to that folder, e.g. <c>default/flow-default-authentication-flow.yaml</c>, as authentik names
/// the files under its <c>blueprints/</c> directory.
/// </summary>
public static class ShippedBlueprints
{
    private const string Prefix = "warden-blueprints/";

    private static readonly Assembly Assembly = typeof(ShippedBlueprints).Assembly;

    /// <summary>Every shipped blueprint's relative name, in ordinal order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..].Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    /// <summary>The text of a shipped blueprint, or null when there is none of that name.</summary>
    public static string? Read(string name)
    {
        var normalized = name.Replace('\\', '/').TrimStart('/');
        var resource = Assembly.GetManifestResourceNames()
            .FirstOrDefault(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n[Prefix.Length..].Replace('\\', '/') == normalized);
        if (resource is null)
        {
            return null;
        }
        using var stream = Assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// authentik's discovery: the shipped blueprints applied on their own, i.e. all except those labelled
    /// <c>blueprints.goauthentik.io/instantiate: "false"</c> (the account lockdown example among them).
    /// </summary>
    public static IReadOnlyList<string> AutoInstantiated() =>
        [.. Names.Where(n => Blueprint.Parse(Read(n)!).AutoInstantiate)];
}
