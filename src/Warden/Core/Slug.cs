using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Warden.Core;

/// <summary>Django's <c>slugify</c>: ASCII only, lower case, runs of spaces and hyphens become one hyphen.</summary>
public static partial class Slug
{
    public static string Of(string value)
    {
        // Warden runs with invariant globalization (no ICU), so NFKD is done with a table for the Latin letters.
        var ascii = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c < 128)
            {
                ascii.Append(c);
            }
            else if (Accented.IndexOf(c, StringComparison.Ordinal) is var i and >= 0)
            {
                ascii.Append(Unaccented[i]);
            }
            else if (Ligatures.TryGetValue(c, out var letters))
            {
                ascii.Append(letters);
            }
        }
        var cleaned = NotSlugCharacters().Replace(ascii.ToString().ToLower(CultureInfo.InvariantCulture), "");
        return Separators().Replace(cleaned, "-").Trim('-', '_');
    }

    // Generated from Python: unicodedata.normalize("NFKD", c).encode("ascii", "ignore") for U+00A0..U+024F.
    private static readonly string Accented =
        "\u00A0\u00A8\u00AA\u00AF\u00B2\u00B3\u00B4\u00B8\u00B9\u00BA\u00C0\u00C1\u00C2\u00C3\u00C4\u00C5\u00C7\u00C8\u00C9\u00CA\u00CB\u00CC\u00CD\u00CE\u00CF\u00D1\u00D2\u00D3\u00D4\u00D5\u00D6\u00D9\u00DA\u00DB\u00DC\u00DD\u00E0\u00E1\u00E2\u00E3\u00E4\u00E5\u00E7\u00E8\u00E9\u00EA\u00EB\u00EC\u00ED\u00EE\u00EF\u00F1\u00F2\u00F3\u00F4\u00F5\u00F6\u00F9\u00FA\u00FB" +
        "\u00FC\u00FD\u00FF\u0100\u0101\u0102\u0103\u0104\u0105\u0106\u0107\u0108\u0109\u010A\u010B\u010C\u010D\u010E\u010F\u0112\u0113\u0114\u0115\u0116\u0117\u0118\u0119\u011A\u011B\u011C\u011D\u011E\u011F\u0120\u0121\u0122\u0123\u0124\u0125\u0128\u0129\u012A\u012B\u012C\u012D\u012E\u012F\u0130\u0134\u0135\u0136\u0137\u0139\u013A\u013B\u013C\u013D\u013E\u013F\u0140" +
        "\u0143\u0144\u0145\u0146\u0147\u0148\u0149\u014C\u014D\u014E\u014F\u0150\u0151\u0154\u0155\u0156\u0157\u0158\u0159\u015A\u015B\u015C\u015D\u015E\u015F\u0160\u0161\u0162\u0163\u0164\u0165\u0168\u0169\u016A\u016B\u016C\u016D\u016E\u016F\u0170\u0171\u0172\u0173\u0174\u0175\u0176\u0177\u0178\u0179\u017A\u017B\u017C\u017D\u017E\u017F\u01A0\u01A1\u01AF\u01B0\u01CD" +
        "\u01CE\u01CF\u01D0\u01D1\u01D2\u01D3\u01D4\u01D5\u01D6\u01D7\u01D8\u01D9\u01DA\u01DB\u01DC\u01DE\u01DF\u01E0\u01E1\u01E6\u01E7\u01E8\u01E9\u01EA\u01EB\u01EC\u01ED\u01F0\u01F4\u01F5\u01F8\u01F9\u01FA\u01FB\u0200\u0201\u0202\u0203\u0204\u0205\u0206\u0207\u0208\u0209\u020A\u020B\u020C\u020D\u020E\u020F\u0210\u0211\u0212\u0213\u0214\u0215\u0216\u0217\u0218\u0219" +
        "\u021A\u021B\u021E\u021F\u0226\u0227\u0228\u0229\u022A\u022B\u022C\u022D\u022E\u022F\u0230\u0231\u0232\u0233";
    private static readonly string Unaccented =
        "  a 23  1oAAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuu" +
        "uyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlLl" +
        "NnNnNnnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzsOoUuA" +
        "aIiOoUuUuUuUuUuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSs" +
        "TtHhAaEeOoOoOoOoYy";
    private static readonly Dictionary<char, string> Ligatures = new()
    {
        ['\u00BC'] = "14",
        ['\u00BD'] = "12",
        ['\u00BE'] = "34",
        ['\u0132'] = "IJ",
        ['\u0133'] = "ij",
        ['\u01C4'] = "DZ",
        ['\u01C5'] = "Dz",
        ['\u01C6'] = "dz",
        ['\u01C7'] = "LJ",
        ['\u01C8'] = "Lj",
        ['\u01C9'] = "lj",
        ['\u01CA'] = "NJ",
        ['\u01CB'] = "Nj",
        ['\u01CC'] = "nj",
        ['\u01F1'] = "DZ",
        ['\u01F2'] = "Dz",
        ['\u01F3'] = "dz",
    };

    [GeneratedRegex(@"[^a-zA-Z0-9_\s-]")]
    private static partial Regex NotSlugCharacters();

    [GeneratedRegex(@"[-\s]+")]
    private static partial Regex Separators();
}
