using System.Text.Json.Nodes;
using Warden.Core;
using Warden.Stages.Prompt;

namespace Warden.Tests.Stages;

public sealed class PromptTemplateTests
{
    private static readonly User Admin = new() { Id = 1, Username = "admin", Name = "Admin", Email = "admin@example.test" };
    private static readonly User Target = new() { Id = 2, Username = "t<b>", Name = "Target & Co", Email = "t@example.test" };

    private const string LockdownWarning =
        "{% if is_self %}You are about to lock down your own account.{% else %}You are about to lock down <code>{{ pending_user.username }}</code> ({{ pending_user.email }}).{% endif %}";

    [Fact]
    public void TheSelfBranchIsChosenWhenThePendingUserIsTheRequestUserOrAbsent()
    {
        Assert.Equal("You are about to lock down your own account.", PromptTemplate.Render(LockdownWarning, new(Admin, Admin, [])));
        Assert.Equal("You are about to lock down your own account.", PromptTemplate.Render(LockdownWarning, new(null, Admin, [])));
    }

    [Fact]
    public void AnotherPendingUserIsNamedWithItsValuesHtmlEscaped()
    {
        Assert.Equal("You are about to lock down <code>t&lt;b&gt;</code> (t@example.test).", PromptTemplate.Render(LockdownWarning, new(Target, Admin, [])));
        Assert.Equal("Target &amp; Co", PromptTemplate.Render("{{ pending_user.name }}", new(Target, Admin, [])));
    }

    [Fact]
    public void ConditionsNestNegateAndReadPromptData()
    {
        var data = new JsonObject { ["reason"] = "<script>" };
        var template = "{% if not is_self %}{% if prompt_data.reason %}[{{ prompt_data.reason }}]{% else %}none{% endif %}{% endif %}!";
        Assert.Equal("[&lt;script&gt;]!", PromptTemplate.Render(template, new(Target, Admin, data)));
        Assert.Equal("none!", PromptTemplate.Render(template, new(Target, Admin, [])));
        Assert.Equal("!", PromptTemplate.Render(template, new(Admin, Admin, data)));
        Assert.Equal("", PromptTemplate.Render("{{ unknown.name }}", new(Admin, Admin, [])));
    }

    [Fact]
    public void ATemplateThatDoesNotParseIsShownAsItIs()
    {
        Assert.Equal("{% if is_self %}open", PromptTemplate.Render("{% if is_self %}open", new(Admin, Admin, [])));
        Assert.Equal("{% for x %}{% endfor %}", PromptTemplate.Render("{% for x %}{% endfor %}", new(Admin, Admin, [])));
        Assert.Equal("{{ broken", PromptTemplate.Render("{{ broken", new(Admin, Admin, [])));
    }
}
