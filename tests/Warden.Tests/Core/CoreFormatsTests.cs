using System.Text;
using Warden.Api;
using Warden.Core;

namespace Warden.Tests.Core;

/// <summary>Formats Warden must produce exactly as Django / authentik do.</summary>
public sealed class CoreFormatsTests
{
    /// <summary>Django's own vector: tests/auth_tests/test_hashers.py, test_pbkdf2 (Django 4.1, 390000 iterations).</summary>
    private const string DjangoVector = "pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=";

    [Fact]
    public void DjangosPbkdf2TestVectorVerifies()
    {
        Assert.True(PasswordHasher.Verify("lètmein", DjangoVector));
        Assert.False(PasswordHasher.Verify("lètmeinz", DjangoVector));
        Assert.Equal(DjangoVector, PasswordHasher.Encode("lètmein", "seasalt", 390000));
        Assert.True(PasswordHasher.IsValidHash(DjangoVector));
    }

    [Theory]
    [InlineData("")]
    [InlineData("!unusable")]
    [InlineData("argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA")]
    [InlineData("pbkdf2_sha256$abc$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=")]
    [InlineData("pbkdf2_sha256$0$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=")]
    [InlineData("pbkdf2_sha256$390000$$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=")]
    [InlineData("pbkdf2_sha256$390000$seasalt$not-base64")]
    [InlineData("pbkdf2_sha256$390000$seasalt$c2hvcnQ=")]
    [InlineData("pbkdf2_sha256$390000$seasalt")]
    public void MalformedOrUnverifiableHashesAreRejected(string hash) => Assert.False(PasswordHasher.IsValidHash(hash));

    [Theory]
    [InlineData("Jane Doe", "b58d86", "fff", "JD")]
    [InlineData("authentik Default Admin", "377b37", "fff", "AA")]
    [InlineData("Ann Marie van Berg", "693764", "fff", "AB")]
    [InlineData("zoë", "37c837", "fff", "ZO")]
    public void InitialsAvatarMatchesAuthentik(string name, string background, string text, string initials)
    {
        // Colours computed with authentik's generate_colors in Python.
        Assert.Equal((background, text), Avatars.Colors(name));
        var expected =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64px\" height=\"64px\" viewBox=\"0 0 64 64\" version=\"1.1\">"
            + $"<rect fill=\"#{background}\" cx=\"32\" cy=\"32\" width=\"64\" height=\"64\" r=\"32\"/>"
            + $"<text x=\"50%\" y=\"50%\" style=\"color: #{text}; line-height: 1; font-family: 'RedHatText','Overpass',overpass,helvetica,arial,sans-serif; \" "
            + $"fill=\"#{text}\" alignment-baseline=\"middle\" dominant-baseline=\"middle\" text-anchor=\"middle\" font-size=\"28\" font-weight=\"400\" dy=\".1em\">{initials}</text></svg>";
        Assert.Equal(expected, Avatars.InitialsSvg(name));
        var user = new User { Name = name };
        Assert.Equal("data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(expected)), Avatars.For(user));
    }

    [Fact]
    public void AvatarFallsBackToUsernameThenToAk()
    {
        Assert.Equal(Avatars.For(new User { Name = "bob" }), Avatars.For(new User { Name = "  ", Username = "bob" }));
        Assert.Equal(Avatars.For(new User { Name = "a k" }), Avatars.For(new User { Name = "", Username = "" }));
    }

    [Fact]
    public void UserAgentsAreParsedInUaParsersShape()
    {
        var chrome = UserAgents.Parse("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Safari/537.36");
        Assert.Equal(new UserAgentBrowser("Chrome", "120", "0", "6099"), chrome.UserAgent);
        Assert.Equal(new UserAgentOs("Windows", "10", null, null, null), chrome.Os);
        Assert.Equal(new UserAgentDevice(null, "Other", null), chrome.Device);

        var safari = UserAgents.Parse("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15");
        Assert.Equal(new UserAgentBrowser("Safari", "17", "1", null), safari.UserAgent);
        Assert.Equal(new UserAgentOs("Mac OS X", "10", "15", "7", null), safari.Os);
        Assert.Equal(new UserAgentDevice("Apple", "Mac", "Mac"), safari.Device);

        var firefox = UserAgents.Parse("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0");
        Assert.Equal(new UserAgentBrowser("Firefox", "121", "0", null), firefox.UserAgent);
        Assert.Equal("Linux", firefox.Os.Family);

        var unknown = UserAgents.Parse("");
        Assert.Equal(new UserAgentBrowser("Other", null, null, null), unknown.UserAgent);
        Assert.Equal(new UserAgentOs("Other", null, null, null, null), unknown.Os);
        Assert.Equal("", unknown.String);
    }

    [Theory]
    [InlineData("service-account-My Bot-password", "service-account-my-bot-password")]
    [InlineData("service-account-zoë_x!-password", "service-account-zoe_x-password")]
    [InlineData("  --a  b--  ", "a-b")]
    public void SlugIsDjangosSlugify(string value, string slug) => Assert.Equal(slug, Slug.Of(value));

    [Fact]
    public void DatesAreFormattedAsDrfAndPythonPrintThem()
    {
        var whole = new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal("2026-11-25T12:00:00Z", DrfDateTimeConverter.Format(whole));
        Assert.Equal("2026-11-25T12:00:00.123456Z", DrfDateTimeConverter.Format(whole.AddTicks(1234567)));
        Assert.Equal("2026-11-25 12:00:00+00:00", PythonFormat.DateTime(whole));
        Assert.Equal("2026-11-25 12:00:00.123456+00:00", PythonFormat.DateTime(whole.AddTicks(1234560)));
        Assert.Equal(TimeSpan.FromDays(1) + TimeSpan.FromHours(2), PythonFormat.TimeDelta("days=1;hours=2"));
        Assert.Null(PythonFormat.TimeDelta("fortnights=1"));
        Assert.Null(PythonFormat.TimeDelta("days"));
    }
}
