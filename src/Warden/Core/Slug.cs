using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Warden.Core;

/// <summary>Django's <c>slugify</c>: ASCII only, lower case, runs of spaces and hyphens become one hyphen.</summary>
public static partial class Slug
{
    public static string Of(string value)
    {
        var decomposed = value.Normalize(NormalizationForm.FormKD);
        var ascii = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (c < 128)
            {
                ascii.Append(c);
            }
        }
        var cleaned = NotSlugCharacters().Replace(ascii.ToString().ToLower(CultureInfo.InvariantCulture), "");
        return Separators().Replace(cleaned, "-").Trim('-', '_');
    }

    [GeneratedRegex(@"[^a-zA-Z0-9_\s-]")]
    private static partial Regex NotSlugCharacters();

    [GeneratedRegex(@"[-\s]+")]
    private static partial Regex Separators();
}
