using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Brands;
using Warden.Events;
using Warden.Flows;
using Warden.Tests.Infrastructure;
using Warden.Tests.Rbac;

namespace Warden.Tests.Brands;

public sealed class BrandsApiTests
{
    private const string Url = "/api/v3/core/brands/";
    private const string Forbidden = """{"detail": "You do not have permission to perform this action."}""";
    private const string NotAuthenticated = """{"detail": "Authentication credentials were not provided."}""";
    private const string NoBrand = """{"detail": "No Brand matches the given query."}""";
    private const string InvalidChoice = "Select a valid choice. That choice is not one of the available choices.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<Brand> DefaultBrandAsync(TestApp app) => app.WithDbAsync(db => db.Brands.AsNoTracking().SingleAsync(b => b.Default));

    private static Task<Brand> CreateBrandAsync(TestApp app, string domain, Action<Brand>? configure = null) =>
        app.WithDbAsync(async db =>
        {
            var brand = new Brand { Domain = domain };
            configure?.Invoke(brand);
            db.Brands.Add(brand);
            await db.SaveChangesAsync();
            return brand;
        });

    private static Task<Flow> CreateFlowAsync(TestApp app, string slug) =>
        app.WithDbAsync(async db =>
        {
            var flow = new Flow { Name = slug, Slug = slug, Title = slug, Designation = "authentication" };
            db.Set<Flow>().Add(flow);
            await db.SaveChangesAsync();
            return flow;
        });

    private static string Uuid(Guid? value) => value is null ? "null" : $"\"{value}\"";

    private static string BrandJson(Brand b) => $$"""
        {"brand_uuid": "{{b.Id}}", "domain": "{{b.Domain}}", "default": {{(b.Default ? "true" : "false")}},
         "branding_title": "{{b.BrandingTitle}}", "branding_logo": "{{b.BrandingLogo}}", "branding_favicon": "{{b.BrandingFavicon}}",
         "branding_custom_css": "{{b.BrandingCustomCss}}", "branding_default_flow_background": "{{b.BrandingDefaultFlowBackground}}",
         "branding_map_tiles": "{{b.BrandingMapTiles}}",
         "flow_authentication": {{Uuid(b.FlowAuthenticationId)}}, "flow_user_switch": {{Uuid(b.FlowUserSwitchId)}},
         "flow_invalidation": {{Uuid(b.FlowInvalidationId)}}, "flow_recovery": {{Uuid(b.FlowRecoveryId)}},
         "flow_unenrollment": {{Uuid(b.FlowUnenrollmentId)}}, "flow_user_settings": {{Uuid(b.FlowUserSettingsId)}},
         "flow_device_code": {{Uuid(b.FlowDeviceCodeId)}}, "flow_lockdown": {{Uuid(b.FlowLockdownId)}}, "flow_request": {{Uuid(b.FlowRequestId)}},
         "default_application": null, "web_certificate": null, "client_certificates": [], "attributes": {{b.Attributes.ToJsonString()}}}
        """;

    [Theory, Providers]
    public async Task ListShowsBrandsByDomain(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var flow = await CreateFlowAsync(app, "login");
        var brand = await CreateBrandAsync(app, "b.example.com", b => { b.FlowAuthenticationId = flow.Id; b.Attributes = new JsonObject { ["k"] = "v" }; });
        var fallback = await DefaultBrandAsync(app);

        var response = await (await app.AsTokenAsync(admin)).GetAsync(Url, Ct);

        await response.AssertJsonAsync(200, $$"""
            {"pagination": {"next": 0, "previous": 0, "count": 2, "current": 1, "total_pages": 1, "start_index": 1, "end_index": 2},
             "results": [{{BrandJson(fallback)}}, {{BrandJson(brand)}}], "autocomplete": {}
            }
            """);
    }

    [Theory, Providers]
    public async Task ListShowsOnlyViewableBrandsAndRefusesCallersWhoSeeNone(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var brand = await CreateBrandAsync(app, "mine.example");
        var client = await app.AsTokenAsync(user);

        await (await client.GetAsync(Url, Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().GetAsync(Url, Ct)).AssertJsonAsync(403, NotAuthenticated);

        await app.GrantAsync(user, BrandsApi.ViewPermission, brand.Id.ToString());
        var body = await (await client.GetAsync(Url, Ct)).BodyAsync();
        Assert.Equal(["mine.example"], body["results"]!.AsArray().Select(r => r!["domain"]!.GetValue<string>()));
    }

    [Theory, Providers]
    public async Task ListFiltersAndSearches(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var flow = await CreateFlowAsync(app, "lock");
        await CreateBrandAsync(app, "one.example", b => b.FlowLockdownId = flow.Id);
        await CreateBrandAsync(app, "two.example", b => b.BrandingTitle = "Second");
        var client = await app.AsTokenAsync(admin);

        async Task<string[]> DomainsAsync(string query)
        {
            var body = await (await client.GetAsync(Url + query, Ct)).BodyAsync();
            return body["results"]!.AsArray().Select(r => r!["domain"]!.GetValue<string>()).ToArray();
        }

        Assert.Equal(["one.example"], await DomainsAsync($"?flow_lockdown={flow.Id}"));
        Assert.Equal(["authentik-default"], await DomainsAsync("?default=true"));
        Assert.Equal(["two.example"], await DomainsAsync("?domain=two.example"));
        Assert.Equal(["two.example"], await DomainsAsync("?search=second"));
        Assert.Equal(["two.example", "one.example", "authentik-default"], await DomainsAsync("?ordering=-domain"));

        await (await client.GetAsync($"{Url}?flow_authentication={Guid.NewGuid()}&web_certificate={Guid.NewGuid()}", Ct))
            .AssertJsonAsync(400, $$"""{"flow_authentication": ["{{InvalidChoice}}"], "web_certificate": ["{{InvalidChoice}}"]}""");
        await (await client.GetAsync($"{Url}?brand_uuid=nope", Ct)).AssertJsonAsync(400, """{"brand_uuid": ["Enter a valid UUID."]}""");
    }

    [Theory, Providers]
    public async Task CreateReturnsTheBrandAndRecordsTheEvent(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        await app.GrantAsync(user, BrandsApi.AddPermission);
        var flow = await CreateFlowAsync(app, "lockdown");
        var client = await app.AsTokenAsync(user);

        var response = await client.PostAsync(Url, Json.Content(new
        {
            domain = "login.example.com",
            branding_title = "Example",
            flow_lockdown = flow.Id,
            flow_recovery = (Guid?)null,
            client_certificates = Array.Empty<Guid>(),
            attributes = new { settings = new { locale = "de" } },
        }), Ct);

        var brand = await app.WithDbAsync(db => db.Brands.AsNoTracking().SingleAsync(b => b.Domain == "login.example.com"));
        await response.AssertJsonAsync(201, BrandJson(brand));
        Assert.Equal("Example", brand.BrandingTitle);
        Assert.Equal(flow.Id, brand.FlowLockdownId);
        Assert.False(brand.Default);
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelCreated)), user,
            "authentik_brands", "brand", brand.Id.ToString("N"), "Brand login.example.com");
    }

    [Theory, Providers]
    public async Task CreateRejectsInvalidFieldsASecondDefaultAndCallersWithoutPermission(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var user = await app.CreateUserAsync();
        await CreateBrandAsync(app, "taken.example");
        var client = await app.AsTokenAsync(admin);
        var missing = Guid.NewGuid();

        await (await client.PostAsync(Url, Json.Content(new { }), Ct)).AssertJsonAsync(400, """{"domain": ["This field is required."]}""");
        await (await client.PostAsync(Url, Json.Content(new { domain = "x.example", branding_title = "", flow_authentication = new { }, client_certificates = new[] { true } }), Ct))
            .AssertJsonAsync(400, """
                {"branding_title": ["This field may not be blank."], "flow_authentication": ["Incorrect type. Expected pk value, received dict."],
                 "client_certificates": ["Incorrect type. Expected pk value, received bool."]}
                """);
        await (await client.PostAsync(Url, Json.Content(new
        {
            domain = "taken.example",
            flow_invalidation = missing,
            default_application = missing,
            web_certificate = missing,
            client_certificates = new[] { missing },
            attributes = "text",
        }), Ct)).AssertJsonAsync(400, $$"""
            {"domain": ["This field must be unique."],
             "flow_invalidation": ["Invalid pk \"{{missing}}\" - object does not exist."],
             "default_application": ["Invalid pk \"{{missing}}\" - object does not exist."],
             "web_certificate": ["Invalid pk \"{{missing}}\" - object does not exist."],
             "client_certificates": ["Invalid pk \"{{missing}}\" - object does not exist."],
             "attributes": ["Value must be a dictionary, and not have any duplicate keys."]}
            """);
        await (await client.PostAsync(Url, Json.Content(new { domain = "second.example", @default = true }), Ct))
            .AssertJsonAsync(400, """{"default": ["Only a single brand can be set as default."]}""");
        await (await (await app.AsTokenAsync(user)).PostAsync(Url, Json.Content(new { domain = "y.example" }), Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().PostAsync(Url, Json.Content(new { domain = "y.example" }), Ct)).AssertJsonAsync(403, NotAuthenticated);

        Assert.Equal(2, await app.WithDbAsync(db => db.Brands.CountAsync()));
        Assert.Empty(await app.EventsAsync(EventActions.ModelCreated));
    }

    [Theory, Providers]
    public async Task RetrieveAnswersNotFoundOutsideTheCallersView(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var mine = await CreateBrandAsync(app, "mine.example");
        var other = await CreateBrandAsync(app, "other.example");
        await app.GrantAsync(user, BrandsApi.ViewPermission, mine.Id.ToString());
        var client = await app.AsTokenAsync(user);

        await (await client.GetAsync($"{Url}{mine.Id}/", Ct)).AssertJsonAsync(200, BrandJson(mine));
        await (await client.GetAsync($"{Url}{other.Id}/", Ct)).AssertJsonAsync(404, NoBrand);
        await (await client.GetAsync($"{Url}nope/", Ct)).AssertJsonAsync(404, """{"detail": "Not found."}""");
        await (await (await app.AsTokenAsync(await app.CreateUserAsync())).GetAsync($"{Url}{mine.Id}/", Ct)).AssertJsonAsync(403, Forbidden);
        await (await app.Anonymous().GetAsync($"{Url}{mine.Id}/", Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task UpdateAppliesSentFieldsAndKeepsTheRest(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var flow = await CreateFlowAsync(app, "lock");
        var brand = await CreateBrandAsync(app, "a.example", b => { b.BrandingTitle = "Kept"; b.FlowLockdownId = flow.Id; });
        await app.GrantAsync(user, BrandsApi.ViewPermission);
        var client = await app.AsTokenAsync(user);
        var url = $"{Url}{brand.Id}/";

        await (await client.PutAsync(url, Json.Content(new { domain = "b.example" }), Ct)).AssertJsonAsync(403, Forbidden);
        await app.GrantAsync(user, BrandsApi.ChangePermission, brand.Id.ToString());

        var put = await client.PutAsync(url, Json.Content(new { domain = "b.example" }), Ct);
        var afterPut = await app.WithDbAsync(db => db.Brands.AsNoTracking().SingleAsync(b => b.Id == brand.Id));
        await put.AssertJsonAsync(200, BrandJson(afterPut));
        Assert.Equal(("b.example", "Kept", flow.Id), (afterPut.Domain, afterPut.BrandingTitle, afterPut.FlowLockdownId));

        var patch = await client.PatchAsync(url, Json.Content(new { flow_lockdown = (Guid?)null, branding_custom_css = "" }), Ct);
        var afterPatch = await app.WithDbAsync(db => db.Brands.AsNoTracking().SingleAsync(b => b.Id == brand.Id));
        await patch.AssertJsonAsync(200, BrandJson(afterPatch));
        Assert.Null(afterPatch.FlowLockdownId);

        await (await client.PatchAsync(url, Json.Content(new { @default = true }), Ct))
            .AssertJsonAsync(400, """{"default": ["Only a single brand can be set as default."]}""");
        await (await client.PutAsync(url, Json.Content(new { branding_title = "t" }), Ct)).AssertJsonAsync(400, """{"domain": ["This field is required."]}""");
        await (await client.PatchAsync($"{Url}{Guid.NewGuid()}/", Json.Content(new { domain = "c" }), Ct)).AssertJsonAsync(404, NoBrand);

        var updates = await app.EventsAsync(EventActions.ModelUpdated);
        Assert.Equal(2, updates.Count);
        Assert.All(updates, e => RbacFixtures.AssertModelEvent(e, user, "authentik_brands", "brand", brand.Id.ToString("N"), "Brand b.example"));
    }

    [Theory, Providers]
    public async Task TheDefaultBrandMayStayDefault(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var fallback = await DefaultBrandAsync(app);

        var response = await (await app.AsTokenAsync(admin)).PatchAsync($"{Url}{fallback.Id}/", Json.Content(new { @default = true, branding_title = "Main" }), Ct);

        Assert.Equal(200, (int)response.StatusCode);
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelUpdated)), admin,
            "authentik_brands", "brand", fallback.Id.ToString("N"), "Default brand");
    }

    [Theory, Providers]
    public async Task DeleteRemovesTheBrand(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var user = await app.CreateUserAsync();
        var brand = await CreateBrandAsync(app, "gone.example");
        await app.GrantAsync(user, BrandsApi.ViewPermission);

        await (await (await app.AsTokenAsync(user)).DeleteAsync($"{Url}{brand.Id}/", Ct)).AssertJsonAsync(403, Forbidden);
        Assert.Equal(204, (int)(await (await app.AsTokenAsync(admin)).DeleteAsync($"{Url}{brand.Id}/", Ct)).StatusCode);

        Assert.False(await app.WithDbAsync(db => db.Brands.AnyAsync(b => b.Id == brand.Id)));
        RbacFixtures.AssertModelEvent(Assert.Single(await app.EventsAsync(EventActions.ModelDeleted)), admin,
            "authentik_brands", "brand", brand.Id.ToString("N"), "Brand gone.example");
        await (await (await app.AsTokenAsync(admin)).DeleteAsync($"{Url}{brand.Id}/", Ct)).AssertJsonAsync(404, NoBrand);
    }

    [Theory, Providers]
    public async Task UsedByOnlyNeedsTheBrandToExist(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var admin = await app.CreateUserAsync(superuser: true);
        var brand = await CreateBrandAsync(app, "x.example");
        var client = await app.AsTokenAsync(admin);

        await (await client.GetAsync($"{Url}{brand.Id}/used_by/", Ct)).AssertJsonAsync(200, "[]");
        await (await client.GetAsync($"{Url}{Guid.NewGuid()}/used_by/", Ct)).AssertJsonAsync(404, NoBrand);
        await (await client.GetAsync($"{Url}nope/used_by/", Ct)).AssertJsonAsync(404, """{"detail": "Not found."}""");
        await (await (await app.AsTokenAsync(await app.CreateUserAsync())).GetAsync($"{Url}{brand.Id}/used_by/", Ct)).AssertJsonAsync(200, "[]");
        await (await app.Anonymous().GetAsync($"{Url}{brand.Id}/used_by/", Ct)).AssertJsonAsync(403, NotAuthenticated);
    }

    [Theory, Providers]
    public async Task CurrentBrandIsServedAnonymouslyWithFlowSlugs(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var login = await CreateFlowAsync(app, "custom-login");
        var lockdown = await CreateFlowAsync(app, "custom-lockdown");
        await CreateBrandAsync(app, "example.com", b =>
        {
            b.BrandingTitle = "Example";
            b.BrandingLogo = "/media/logo-%(theme)s.svg";
            b.BrandingCustomCss = "body{}";
            b.FlowAuthenticationId = login.Id;
            b.FlowLockdownId = lockdown.Id;
            b.Attributes = new JsonObject { ["settings"] = new JsonObject { ["locale"] = "fr", ["theme"] = new JsonObject { ["base"] = "dark" } } };
        });
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Host = "login.Example.com";

        var response = await client.GetAsync(Url + "current/", Ct);

        await response.AssertJsonAsync(200, """
            {"matched_domain": "example.com", "branding_title": "Example",
             "branding_logo": "/media/logo-%(theme)s.svg",
             "branding_logo_themed_urls": {"light": "/media/logo-light.svg", "dark": "/media/logo-dark.svg"},
             "branding_favicon": "/static/dist/assets/icons/icon.png", "branding_favicon_themed_urls": null,
             "branding_custom_css": "body{}", "branding_map_tiles": "", "ui_footer_links": [], "ui_theme": "dark",
             "flow_authentication": "custom-login", "flow_lockdown": "custom-lockdown",
             "default_locale": "fr", "flags": {"flows_continuous_login": false, "flows_refresh_others": false}}
            """);
    }

    [Theory, Providers]
    public async Task CurrentBrandFallsBackToTheDefaultThenToAnUnsavedBrand(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        await CreateBrandAsync(app, "example.com");
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Host = "elsewhere.test";

        var body = await (await client.GetAsync(Url + "current/", Ct)).BodyAsync();
        Assert.Equal("authentik-default", body["matched_domain"]!.GetValue<string>());
        Assert.Null(body["flow_authentication"]);

        await app.WithDbAsync(db => db.Brands.ExecuteDeleteAsync());
        await (await app.Anonymous().GetAsync(Url + "current/", Ct)).AssertJsonAsync(200, """
            {"matched_domain": "fallback", "branding_title": "authentik",
             "branding_logo": "/static/dist/assets/icons/icon_left_brand.svg", "branding_logo_themed_urls": null,
             "branding_favicon": "/static/dist/assets/icons/icon.png", "branding_favicon_themed_urls": null,
             "branding_custom_css": "", "branding_map_tiles": "", "ui_footer_links": [], "ui_theme": "automatic",
             "default_locale": "", "flags": {"flows_continuous_login": false, "flows_refresh_others": false}}
            """);
    }
}
