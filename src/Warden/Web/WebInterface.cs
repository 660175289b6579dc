using Microsoft.EntityFrameworkCore;
using Warden.Brands;
using Warden.Core;
using Warden.Flows;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Web;

/// <summary>
/// The browser side: the root redirect, the flow interface (<c>/if/flow/&lt;slug&gt;/</c>, which drives the
/// flow executor API from flow.js), the user page and the admin page. Pages are rendered here; everything they
/// do afterwards goes through the v3 API like any other client.
/// </summary>
public static class WebInterface
{
    public static IEndpointRouteBuilder MapWebInterface(this IEndpointRouteBuilder app)
    {
        app.MapWebAssets();
        app.MapGet("/", Root).ExcludeFromDescription();
        app.MapGet("/if/flow/{slug}/", FlowInterface).ExcludeFromDescription();
        app.MapGet("/if/user/", UserInterface).ExcludeFromDescription();
        app.MapGet("/if/admin/", AdminInterface).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Root(HttpContext context, BrandResolver brands, WardenDbContext db, CancellationToken cancellationToken)
    {
        if (context.CurrentUser() is not null)
        {
            return TypedResults.Redirect("/if/user/");
        }
        // The flow's own final redirect is "/", which lands here again, logged in: no need for ?next=/.
        return await LoginRedirectAsync(context, brands, db, next: null, cancellationToken);
    }

    private static async Task<IResult> FlowInterface(string slug, HttpContext context, BrandResolver brands, WardenDbContext db, CancellationToken cancellationToken)
    {
        var brand = await brands.ResolveAsync(context, cancellationToken);
        var flow = await db.Set<Flow>().AsNoTracking().FirstOrDefaultAsync(f => f.Slug == slug, cancellationToken);
        if (flow is null)
        {
            return Message(brand, "Flow not found", "There is no flow with this address. Check the link, or start again from the home page.",
                StatusCodes.Status404NotFound);
        }
        var heading = string.IsNullOrEmpty(flow.Title) ? flow.Name : flow.Title;
        // The page is a shell: flow.js asks the executor API for the current challenge and renders it here.
        var body = $"""
            <main id="flow" class="card flow" data-flow-slug="{HtmlPage.Encode(flow.Slug)}" data-flow-title="{HtmlPage.Encode(heading)}" aria-busy="true">
            <h1 id="flow-heading" tabindex="-1">{HtmlPage.Encode(heading)}</h1>
            <p id="flow-status" class="status" role="status">Loading…</p>
            <noscript><p class="alert alert-warning">This page needs JavaScript enabled.</p></noscript>
            <div id="flow-stage"></div>
            </main>
            """;
        return new HtmlPage(PageTitle(heading, brand), body, "flow.js");
    }

    private static async Task<IResult> UserInterface(HttpContext context, BrandResolver brands, WardenDbContext db, Permissions permissions, CancellationToken cancellationToken)
    {
        if (context.CurrentUser() is not { } user)
        {
            return await LoginRedirectAsync(context, brands, db, "/if/user/", cancellationToken);
        }
        var brand = await brands.ResolveAsync(context, cancellationToken);
        var invalidation = await FlowSlugAsync(db, brand?.FlowInvalidationId, cancellationToken);
        var admin = await permissions.IsSuperuserAsync(user, cancellationToken) ? AdminLink : "";
        // As authentik's Security tab: the self-service lockdown is offered only while an enterprise licence is valid.
        var licensed = await context.RequestServices.GetRequiredService<Enterprise.LicenseStatus>().IsValidAsync(cancellationToken);
        var lockdownCard = licensed ? LockdownCard : "";
        var logout = invalidation is null ? "" : $"""<a id="logout" href="/if/flow/{HtmlPage.Encode(Uri.EscapeDataString(invalidation))}/">Log out</a>""";
        var logoutUnavailable = invalidation is null ? LogoutUnavailable : "";
        var body = $"""
            {TopBar(brand, admin + logout)}
            <main id="user" class="card wide" data-user-pk="{user.Id}">
            <h1>Your account</h1>
            <dl class="details">
            <dt>Username</dt><dd id="user-username">{HtmlPage.Encode(user.Username)}</dd>
            <dt>Name</dt><dd id="user-name">{HtmlPage.Encode(user.Name)}</dd>
            </dl>
            {logoutUnavailable}
            <div id="account-lockdown-slot">{lockdownCard}</div>
            </main>
            """;
        return new HtmlPage(PageTitle("My account", brand), body, "user.js");
    }

    private static async Task<IResult> AdminInterface(HttpContext context, BrandResolver brands, WardenDbContext db, CancellationToken cancellationToken)
    {
        if (context.CurrentUser() is null)
        {
            return await LoginRedirectAsync(context, brands, db, "/if/admin/", cancellationToken);
        }
        // Any logged-in user gets the shell; what it shows is decided by the users API's own permission checks.
        var brand = await brands.ResolveAsync(context, cancellationToken);
        var licensed = await context.RequestServices.GetRequiredService<Enterprise.LicenseStatus>().IsValidAsync(cancellationToken);
        const string userLink = """<a href="/if/user/">My account</a>""";
        var body = $"""
            {TopBar(brand, userLink)}
            <main id="admin" class="card wide" aria-busy="true" data-current-user-pk="{context.CurrentUser()!.Id}" data-enterprise="{(licensed ? "true" : "false")}">
            <h1 id="admin-heading" tabindex="-1">Users</h1>
            <div id="admin-view"><p class="status" role="status">Loading…</p></div>
            </main>
            """;
        return new HtmlPage(PageTitle("Admin", brand), body, "admin.js");
    }

    /// <summary>Anonymous callers go to the brand's authentication flow, and come back to <paramref name="next"/>.</summary>
    private static async Task<IResult> LoginRedirectAsync(HttpContext context, BrandResolver brands, WardenDbContext db, string? next, CancellationToken cancellationToken)
    {
        var brand = await brands.ResolveAsync(context, cancellationToken);
        var slug = await FlowSlugAsync(db, brand?.FlowAuthenticationId, cancellationToken);
        if (slug is null)
        {
            return Message(brand, "Login is not configured",
                "This brand has no authentication flow configured, so there is no way to log in yet. An administrator can set one on the brand.",
                StatusCodes.Status503ServiceUnavailable, homeLink: false);
        }
        var target = $"/if/flow/{Uri.EscapeDataString(slug)}/";
        return TypedResults.Redirect(next is null ? target : $"{target}?next={Uri.EscapeDataString(next)}");
    }

    private static async Task<string?> FlowSlugAsync(WardenDbContext db, Guid? flowId, CancellationToken cancellationToken) =>
        flowId is null ? null : await db.Set<Flow>().Where(f => f.Id == flowId).Select(f => f.Slug).FirstOrDefaultAsync(cancellationToken);

    private const string LockdownCard = """
        <section class="card danger-zone" id="account-lockdown" aria-labelledby="account-lockdown-heading">
        <h2 id="account-lockdown-heading">Account Lockdown</h2>
        <p>If you suspect your account has been compromised, you can immediately lock it to prevent unauthorized access.</p>
        <p class="alert alert-danger" id="account-lockdown-error" role="alert" hidden></p>
        <button type="button" class="button danger" id="lock-my-account">Lock my account</button>
        </section>
        """;

    private const string AdminLink = """<a href="/if/admin/" id="admin-link">Admin interface</a>""";

    private const string LogoutUnavailable =
        """<p class="alert alert-warning" id="logout-unavailable">Logging out is not available: this brand has no invalidation flow configured.</p>""";

    private const string HomeLink = """<p><a href="/">Home</a></p>""";

    private static HtmlPage Message(Brand? brand, string heading, string text, int status, bool homeLink = true) =>
        new(PageTitle(heading, brand), $"""
            <main class="card" id="message">
            <h1>{HtmlPage.Encode(heading)}</h1>
            <p>{HtmlPage.Encode(text)}</p>
            {(homeLink ? HomeLink : "")}
            </main>
            """, status: status);

    private static string PageTitle(string title, Brand? brand) =>
        brand is null || string.IsNullOrEmpty(brand.BrandingTitle) ? title : $"{title} - {brand.BrandingTitle}";

    private static string TopBar(Brand? brand, string links) => $"""
        <header class="topbar">
        <span class="brand">{HtmlPage.Encode(brand?.BrandingTitle ?? "")}</span>
        <nav aria-label="Main">{links}</nav>
        </header>
        """;
}
