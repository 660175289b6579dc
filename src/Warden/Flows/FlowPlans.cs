using Microsoft.EntityFrameworkCore;
using Warden.Core;

namespace Warden.Flows;

/// <summary>
/// The plan of the caller's flow, kept in the caller's server-side session row under
/// <see cref="FlowPlan.SessionKey"/> (authentik's <c>authentik/flows/plan</c>). Nothing is held in memory, so a
/// plan started on one node continues on any other node that shares the database.
/// </summary>
public sealed class FlowPlans(SessionStore sessions, Persistence.WardenDbContext db)
{
    /// <summary>The session's plan, or null when it has none (or what it holds is not a plan).</summary>
    public static FlowPlan? Load(HttpContext http) =>
        http.Identity().Session is { } session && session.Data.TryGetPropertyValue(FlowPlan.SessionKey, out var stored)
            ? FlowPlan.FromJson(stored)
            : null;

    /// <summary>Stores the plan in the caller's session, creating the session (and its cookie) when there is none.</summary>
    public async Task SaveAsync(HttpContext http, FlowPlan plan, CancellationToken cancellationToken)
    {
        var session = await sessions.GetOrCreateAsync(http, cancellationToken);
        session.Data[FlowPlan.SessionKey] = plan.ToJson();
        await SaveSessionAsync(http, session, cancellationToken);
    }

    /// <summary>Stores the plan only when the caller still has a session (a stage may have ended it, e.g. a lockdown).</summary>
    public async Task SaveIfSessionAsync(HttpContext http, FlowPlan plan, CancellationToken cancellationToken)
    {
        if (http.Identity().Session is { } session)
        {
            session.Data[FlowPlan.SessionKey] = plan.ToJson();
            await SaveSessionAsync(http, session, cancellationToken);
        }
    }

    /// <summary>Removes the plan from the caller's session (authentik's <c>cancel</c>); a caller without a session has none.</summary>
    public async Task DiscardAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.Identity().Session is { } session && session.Data.Remove(FlowPlan.SessionKey))
        {
            await SaveSessionAsync(http, session, cancellationToken);
        }
    }

    private async Task SaveSessionAsync(HttpContext http, Session session, CancellationToken cancellationToken)
    {
        try
        {
            await sessions.SaveAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The session row was deleted meanwhile (logged out, locked down, ended by an administrator): there is
            // nowhere to keep a plan, and recreating the session would undo that deletion.
            db.Entry(session).State = EntityState.Detached;
            if (session.Authenticated is not null)
            {
                db.Entry(session.Authenticated).State = EntityState.Detached;
            }
            http.Identity().Session = null;
        }
    }
}
