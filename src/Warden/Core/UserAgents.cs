using System.Text.RegularExpressions;

namespace Warden.Core;

/// <summary>The <c>user_agent</c> object of an authenticated session, in ua-parser's shape.</summary>
public sealed record UserAgentDetails(UserAgentDevice Device, UserAgentOs Os, UserAgentBrowser UserAgent, string String);

public sealed record UserAgentDevice(string? Brand, string Family, string? Model);

public sealed record UserAgentOs(string Family, string? Major, string? Minor, string? Patch, string? PatchMinor);

public sealed record UserAgentBrowser(string Family, string? Major, string? Minor, string? Patch);

/// <summary>
/// A minimal user-agent parser with ua-parser's names for the common browsers and systems (authentik uses
/// ua-parser's full regex database). Anything it does not recognise is "Other", as in ua-parser.
/// </summary>
public static partial class UserAgents
{
    public static UserAgentDetails Parse(string userAgent) =>
        new(Device(userAgent), Os(userAgent), Browser(userAgent), userAgent);

    private static UserAgentBrowser Browser(string ua)
    {
        (string Family, Regex Pattern)[] browsers =
        [
            ("Edge", EdgePattern()),
            ("Opera", OperaPattern()),
            ("Firefox", FirefoxPattern()),
            ("Chrome", ChromePattern()),
            ("curl", CurlPattern()),
            ("Python Requests", PythonRequestsPattern()),
        ];
        foreach (var (family, pattern) in browsers)
        {
            var match = pattern.Match(ua);
            if (match.Success)
            {
                var (major, minor, patch) = Version(match);
                return new UserAgentBrowser(family, major, minor, patch);
            }
        }
        var safari = SafariPattern().Match(ua);
        if (safari.Success && ua.Contains("Safari/", StringComparison.Ordinal))
        {
            var (major, minor, patch) = Version(safari);
            return new UserAgentBrowser(ua.Contains("Mobile", StringComparison.Ordinal) ? "Mobile Safari" : "Safari", major, minor, patch);
        }
        return new UserAgentBrowser("Other", null, null, null);
    }

    private static UserAgentOs Os(string ua)
    {
        var windows = WindowsPattern().Match(ua);
        if (windows.Success)
        {
            var name = windows.Groups[1].Value switch
            {
                "10.0" => "10",
                "6.3" => "8.1",
                "6.2" => "8",
                "6.1" => "7",
                "6.0" => "Vista",
                "5.1" or "5.2" => "XP",
                _ => null,
            };
            return new UserAgentOs("Windows", name, null, null, null);
        }
        var ios = IosPattern().Match(ua);
        if (ios.Success)
        {
            var (major, minor, patch) = Version(ios);
            return new UserAgentOs("iOS", major, minor, patch, null);
        }
        var mac = MacPattern().Match(ua);
        if (mac.Success)
        {
            var (major, minor, patch) = Version(mac);
            return new UserAgentOs("Mac OS X", major, minor, patch, null);
        }
        var android = AndroidPattern().Match(ua);
        if (android.Success)
        {
            var (major, minor, patch) = Version(android);
            return new UserAgentOs("Android", major, minor, patch, null);
        }
        if (ua.Contains("Linux", StringComparison.Ordinal))
        {
            return new UserAgentOs("Linux", null, null, null, null);
        }
        return new UserAgentOs("Other", null, null, null, null);
    }

    private static UserAgentDevice Device(string ua)
    {
        if (ua.Contains("iPhone", StringComparison.Ordinal))
        {
            return new UserAgentDevice("Apple", "iPhone", "iPhone");
        }
        if (ua.Contains("iPad", StringComparison.Ordinal))
        {
            return new UserAgentDevice("Apple", "iPad", "iPad");
        }
        if (ua.Contains("Macintosh", StringComparison.Ordinal))
        {
            return new UserAgentDevice("Apple", "Mac", "Mac");
        }
        if (ua.Contains("Android", StringComparison.Ordinal) && ua.Contains("Mobile", StringComparison.Ordinal))
        {
            return new UserAgentDevice("Generic", "Generic Smartphone", "Smartphone");
        }
        return new UserAgentDevice(null, "Other", null);
    }

    private static (string? Major, string? Minor, string? Patch) Version(Match match)
    {
        string? Group(int i) => match.Groups.Count > i && match.Groups[i].Success ? match.Groups[i].Value : null;
        return (Group(1), Group(2), Group(3));
    }

    [GeneratedRegex(@"Edge?/(\d+)(?:\.(\d+))?(?:\.(\d+))?")]
    private static partial Regex EdgePattern();

    [GeneratedRegex(@"OPR/(\d+)(?:\.(\d+))?(?:\.(\d+))?")]
    private static partial Regex OperaPattern();

    [GeneratedRegex(@"Firefox/(\d+)(?:\.(\d+))?(?:\.(\d+))?")]
    private static partial Regex FirefoxPattern();

    [GeneratedRegex(@"Chrome/(\d+)(?:\.(\d+))?(?:\.(\d+))?")]
    private static partial Regex ChromePattern();

    [GeneratedRegex(@"^curl/(\d+)(?:\.(\d+))?(?:\.(\d+))?")]
    private static partial Regex CurlPattern();

    [GeneratedRegex(@"^python-requests/(\d+)(?:\.(\d+))?(?:\.(\d+))?")]
    private static partial Regex PythonRequestsPattern();

    [GeneratedRegex(@"Version/(\d+)(?:\.(\d+))?(?:\.(\d+))?")]
    private static partial Regex SafariPattern();

    [GeneratedRegex(@"Windows NT (\d+\.\d+)")]
    private static partial Regex WindowsPattern();

    [GeneratedRegex(@"(?:iPhone|CPU) OS (\d+)(?:_(\d+))?(?:_(\d+))?")]
    private static partial Regex IosPattern();

    [GeneratedRegex(@"Mac OS X (\d+)(?:[_.](\d+))?(?:[_.](\d+))?")]
    private static partial Regex MacPattern();

    [GeneratedRegex(@"Android (\d+)(?:\.(\d+))?(?:\.(\d+))?")]
    private static partial Regex AndroidPattern();
}
