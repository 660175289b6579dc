using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Warden.Core;

/// <summary>
/// The user's avatar as authentik computes it with its default setting ("gravatar,initials") when gravatar cannot be
/// reached: an SVG of the initials, as a data URI. Warden makes no outbound request for avatars, so no e-mail
/// hash ever leaves the server.
/// </summary>
public static class Avatars
{
    private const string Fonts = "'RedHatText','Overpass',overpass,helvetica,arial,sans-serif";

    public static string For(User user)
    {
        var name = user.Name.Trim();
        if (name.Length == 0)
        {
            name = user.Username.Trim();
        }
        if (name.Length == 0)
        {
            name = "a k";
        }
        return "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(InitialsSvg(name)));
    }

    /// <summary>A 64px square with up to two initials, its colour derived from the name.</summary>
    public static string InitialsSvg(string name)
    {
        var parts = name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > 2)
        {
            parts = [parts[0], parts[^1]];
        }
        string initials;
        if (parts.Length == 1)
        {
            initials = FirstRunes(parts[0], 2);
        }
        else
        {
            initials = FirstRunes(string.Concat(parts[..^1].Select(p => FirstRunes(p, 1))) + parts[^1], 2);
        }
        var (background, text) = Colors(name);
        var sb = new StringBuilder();
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64px\" height=\"64px\" viewBox=\"0 0 64 64\" version=\"1.1\">");
        sb.Append("<rect fill=\"#").Append(background).Append("\" cx=\"32\" cy=\"32\" width=\"64\" height=\"64\" r=\"32\"/>");
        sb.Append("<text x=\"50%\" y=\"50%\" style=\"color: #").Append(text).Append("; line-height: 1; font-family: ").Append(Fonts).Append("; \"");
        sb.Append(" fill=\"#").Append(text).Append("\" alignment-baseline=\"middle\" dominant-baseline=\"middle\" text-anchor=\"middle\"");
        sb.Append(" font-size=\"28\" font-weight=\"400\" dy=\".1em\">");
        sb.Append(EscapeText(Upper(initials)));
        sb.Append("</text></svg>");
        return sb.ToString();
    }

    /// <summary>Background from the md5 of the lower-cased name, clamped away from black and white; black or white text.</summary>
    public static (string Background, string Text) Colors(string name)
    {
#pragma warning disable CA5351 // Not security: authentik derives the avatar colour from md5, and so must we.
        var digest = MD5.HashData(Encoding.UTF8.GetBytes(name.ToLowerInvariant()));
#pragma warning restore CA5351
        var color = (int)(new System.Numerics.BigInteger(digest, isUnsigned: true, isBigEndian: true) % 0xFFFFFF);
        var blue = Math.Clamp(color & 0xFF, 55, 200);
        var green = Math.Clamp((color >> 8) & 0xFF, 55, 200);
        var red = Math.Clamp((color >> 16) & 0xFF, 55, 200);
        var background = string.Create(CultureInfo.InvariantCulture, $"{red:x2}{green:x2}{blue:x2}");
        var text = (red * 0.299) + (green * 0.587) + (blue * 0.114) > 186 ? "000" : "fff";
        return (background, text);
    }

    /// <summary>The first <paramref name="count"/> code points, as Python slices a string.</summary>
    private static string FirstRunes(string value, int count) =>
        string.Concat(value.EnumerateRunes().Take(count).Select(r => r.ToString()));

    /// <summary>Python's str.upper(): ß becomes SS, the rest as the invariant culture does.</summary>
    private static string Upper(string value) => value.ToUpperInvariant().Replace("ß", "SS", StringComparison.Ordinal);

    private static string EscapeText(string value) =>
        value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
}
