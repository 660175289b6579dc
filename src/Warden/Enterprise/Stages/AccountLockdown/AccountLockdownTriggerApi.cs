using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Brands;
using Warden.Core;
using Warden.Flows;
using Warden.Persistence;

namespace Warden.Enterprise.Stages.AccountLockdown;

/// <summary>
/// authentik's <c>account_lockdown</c> action on the users viewset, <c>POST /api/v3/core/users/account_lockdown/</c>:
/// chooses the target, plans the brand's lockdown flow with it as the pending user into the caller's session, and
/// answers the link that continues that plan. It changes no account and writes no event: the flow's stage does both.
/// Its own permission is "authenticated" only (the users viewset's model permissions do not apply); it sits under the
/// users path, so the read-only licence middleware lets it through as it does the users viewset.
/// </summary>
public static class AccountLockdownTriggerApi
{
    public const string NoFlowMessage = "No lockdown flow configured.";
    public const string NotApplicableMessage = "Lockdown flow is not applicable.";

    public static IEndpointRouteBuilder MapAccountLockdownTriggerApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v3/core/users").MapPost("/account_lockdown/", Trigger)
            .Operation("core_users_account_lockdown_create", "core", "Choose the target account, then return a flow link.")
            .Request<UserAccountLockdownRequest>(required: false)
            .Response<LinkResponse>()
            .NoContent(StatusCodes.Status400BadRequest, "No lockdown flow configured or the flow is not applicable")
            .NoContent(StatusCodes.Status403Forbidden, "Permission denied (when targeting another user)")
            .RequireActor();
        return app;
    }

    [ApiSchema("UserAccountLockdownRequest", Description = "Choose the target account before starting the lockdown flow.")]
    public sealed record UserAccountLockdownRequest(
        [property: ApiField(PrimaryKey = true, Description = "User to lock. If omitted, locks the current user (self-service).")] int? User = null);

    [ApiSchema("Link", Description = "Returns a single link")]
    public sealed record LinkResponse(string Link);

    private static async Task<IResult> Trigger(
        HttpContext http, WardenDbContext db, LicenseStatus licenses, AccountLockdown lockdown, BrandResolver brands,
        FlowPlanner planner, FlowPlans plans, CancellationToken cancellationToken)
    {
        var actor = http.CurrentUser()!;

        // 2. The body, before the licence: the anonymous user and internal service accounts are not in the target
        // set and are answered exactly as a key that names nobody.
        var body = await ApiBody.ReadAsync<UserAccountLockdownRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        User? chosen = null;
        if (body.Value.User is { } pk)
        {
            chosen = await AccountLockdown.Targets(db).AsNoTracking().FirstOrDefaultAsync(u => u.Id == pk, cancellationToken);
            if (chosen is null)
            {
                return new ValidationErrors().InvalidPk("user", pk).ToResult();
            }
        }

        // 3. The licence.
        if (await licenses.RequireEnterpriseForEndpointAsync(cancellationToken) is { } unlicensed)
        {
            return unlicensed;
        }

        // 4. and 5. Yourself always; anyone else needs change_user on that account. The stage checks this again
        // when it runs, for whoever's browser runs it.
        var target = chosen ?? actor;
        if (!await lockdown.CanLockAsync(actor, target, cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }

        // 6. The lockdown flow of the brand this request was made to.
        var brand = await brands.ResolveAsync(http, cancellationToken);
        var flow = brand?.FlowLockdownId is { } flowId
            ? await db.Set<Flow>().AsNoTracking().FirstOrDefaultAsync(f => f.Id == flowId, cancellationToken)
            : null;
        if (flow is null)
        {
            return ApiErrors.NonField(NoFlowMessage);
        }

        // 7. Plan it now, for the caller, with the target as the pending user (no cache: Warden keeps none).
        var outcome = await planner.PlanAsync(http, flow, new() { [PlanContext.PendingUser] = target.Id }, useCache: false, cancellationToken);
        if (outcome is not PlanOutcome.Planned planned)
        {
            return ApiErrors.NonField(NotApplicableMessage);
        }

        // 8. The plan lives in the caller's session; the link carries no target, so it works only in that session.
        await plans.SaveAsync(http, planned.Plan, cancellationToken);
        var link = $"/if/flow/{flow.Slug}/{http.Request.QueryString}";
        return TypedResults.Json(new LinkResponse(link), ApiJson.Options);
    }
}
