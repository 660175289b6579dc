using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Events;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Enterprise.Stages.AccountLockdown;

/// <summary>What one lockdown does; the stage's four switches.</summary>
public sealed record LockdownActions(bool DeactivateUser, bool SetUnusablePassword, bool DeleteSessions, bool RevokeTokens)
{
    public static readonly LockdownActions All = new(true, true, true, true);
}

/// <summary>
/// Test seams for fault injection (issue: all-or-nothing lockdown). Production registers none; every hook is
/// awaited at its point so a test can fail the lockdown there or race it with another connection.
/// </summary>
public sealed class LockdownHooks
{
    /// <summary>Inside the first transaction, after the user row is updated and before the deletes.</summary>
    public Func<CancellationToken, Task>? AfterUserUpdated { get; set; }

    /// <summary>After the first transaction committed, before each "anything left?" check.</summary>
    public Func<CancellationToken, Task>? BeforeRemainingCheck { get; set; }
}

/// <summary>
/// The lockdown itself (authentik's <c>_lockdown_user</c>): one transaction that deactivates the user, makes the
/// password unusable, deletes the sessions and revokes every token; then the repeat-delete loop; then the
/// <c>user_write</c> event. Used by the stage executor; independent of the flow machinery.
/// </summary>
public sealed partial class AccountLockdown(
    WardenDbContext db, Permissions permissions, AuditLog audit, ILogger<AccountLockdown> logger, LockdownHooks? hooks = null)
{
    public const string ActionId = "account_lockdown";
    public const string ReasonKey = "lockdown_reason";
    public const string EventApp = "authentik.enterprise.stages.account_lockdown.stage";

    /// <summary>Defeats an endless race; each round deletes what a still-running request created meanwhile.</summary>
    private const int MaxRounds = 1000;

    /// <summary>
    /// Users that can be locked: everyone but the anonymous user and internal service accounts. An excluded user
    /// is indistinguishable from one that does not exist.
    /// </summary>
    public static IQueryable<User> Targets(WardenDbContext db) =>
        db.Users.Where(u => u.Username != User.AnonymousUsername && u.Type != UserType.InternalServiceAccount);

    /// <summary>
    /// authentik's <c>can_lock_user</c>: yourself always; anyone else needs superuser or
    /// <c>authentik_core.change_user</c> globally or on that user (an inactive actor has neither).
    /// </summary>
    public async Task<bool> CanLockAsync(User? actor, User target, CancellationToken cancellationToken)
    {
        if (actor is null)
        {
            return false;
        }
        if (actor.Id == target.Id)
        {
            return true;
        }
        return await permissions.HasAsync(actor, "authentik_core.change_user", target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
    }

    /// <summary>
    /// Locks <paramref name="target"/> and records why. Throws when the lockdown could not be applied; the first
    /// transaction is all-or-nothing and carries the event, so the event exists exactly when the lockdown committed.
    /// The event is saved under its own savepoint: a failure to write it never fails the lockdown.
    /// </summary>
    public async Task LockAsync(HttpContext http, User target, LockdownActions actions, string reason, User? actor, CancellationToken cancellationToken)
    {
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (actions.DeactivateUser || actions.SetUnusablePassword)
            {
                var unusable = PasswordHasher.Unusable();
                // One UPDATE; password_change_date is deliberately left alone, as authentik does.
                await db.Users.Where(u => u.Id == target.Id).ExecuteUpdateAsync(u =>
                {
                    if (actions.DeactivateUser)
                    {
                        u.SetProperty(x => x.IsActive, false);
                    }
                    if (actions.SetUnusablePassword)
                    {
                        u.SetProperty(x => x.Password, unusable);
                    }
                }, cancellationToken);
            }
            if (hooks?.AfterUserUpdated is { } afterUpdate)
            {
                await afterUpdate(cancellationToken);
            }
            await DeleteArtifactsAsync(target.Id, actions, cancellationToken);
            await audit.WriteAsync(http, EventActions.UserWrite, new JsonObject
            {
                ["action_id"] = ActionId,
                ["reason"] = reason,
                ["affected_user"] = target.Username,
            }, EventApp, actor: actor, actingFor: target, into: db, cancellationToken: cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        LogLocked(logger, target.Id, actor?.Id);

        // A request that authenticated with a stolen credential before the commit may still create a token or
        // session after our snapshot; delete again until nothing is left. (Token creation and login re-check their
        // credential inside their own transaction, see AccessGuard; this loop is the second line.)
        for (var round = 0; ; round++)
        {
            if (hooks?.BeforeRemainingCheck is { } beforeCheck)
            {
                await beforeCheck(cancellationToken);
            }
            if (!await AnyArtifactsLeftAsync(target.Id, actions, cancellationToken))
            {
                break;
            }
            if (round >= MaxRounds)
            {
                throw new InvalidOperationException("Lockdown artifacts kept reappearing.");
            }
            await using var again = await db.Database.BeginTransactionAsync(cancellationToken);
            await DeleteArtifactsAsync(target.Id, actions, cancellationToken);
            await again.CommitAsync(cancellationToken);
        }
    }

    private async Task DeleteArtifactsAsync(int targetId, LockdownActions actions, CancellationToken cancellationToken)
    {
        if (actions.DeleteSessions)
        {
            // Deleting the Session rows cascades to their AuthenticatedSessions: the cookies are refused on their next request.
            await UserSessions.EndAsync(db, targetId, null, cancellationToken);
        }
        if (actions.RevokeTokens)
        {
            // Every intent, expired rows too: none may be revived or viewed again.
            await db.Tokens.Where(t => t.UserId == targetId).ExecuteDeleteAsync(cancellationToken);
        }
    }

    /// <summary>One round trip: does the target still have a session or a token the stage was to remove?</summary>
    private Task<bool> AnyArtifactsLeftAsync(int targetId, LockdownActions actions, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.Id == targetId)
            .Select(u => (actions.DeleteSessions && db.AuthenticatedSessions.Any(a => a.UserId == targetId))
                || (actions.RevokeTokens && db.Tokens.Any(t => t.UserId == targetId)))
            .FirstOrDefaultAsync(cancellationToken);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Account lockdown applied to user {TargetId} by {ActorId}")]
    private static partial void LogLocked(ILogger logger, int targetId, int? actorId);
}
