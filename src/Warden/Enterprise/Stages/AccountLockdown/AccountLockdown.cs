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
    /// Locks <paramref name="targetId"/> and records why. Throws when the lockdown could not be applied; the
    /// first transaction is all-or-nothing. The event is written after the change and never fails it.
    /// </summary>
    public async Task LockAsync(HttpContext http, int targetId, LockdownActions actions, string reason, User? actor, CancellationToken cancellationToken)
    {
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (actions.DeactivateUser || actions.SetUnusablePassword)
            {
                var unusable = PasswordHasher.Unusable();
                // One UPDATE; password_change_date is deliberately left alone, as authentik does.
                await db.Users.Where(u => u.Id == targetId).ExecuteUpdateAsync(u =>
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
            await DeleteArtifactsAsync(targetId, actions, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // A request that authenticated with a stolen credential before the commit may still create a token or
        // session after our snapshot; delete again until nothing is left.
        for (var round = 0; ; round++)
        {
            if (hooks?.BeforeRemainingCheck is { } beforeCheck)
            {
                await beforeCheck(cancellationToken);
            }
            if (!await AnyArtifactsLeftAsync(targetId, actions, cancellationToken))
            {
                break;
            }
            if (round >= MaxRounds)
            {
                throw new InvalidOperationException("Lockdown artifacts kept reappearing.");
            }
            await using var again = await db.Database.BeginTransactionAsync(cancellationToken);
            await DeleteArtifactsAsync(targetId, actions, cancellationToken);
            await again.CommitAsync(cancellationToken);
        }

        var target = await db.Users.AsNoTracking().FirstAsync(u => u.Id == targetId, cancellationToken);
        LogLocked(logger, target.Id, actor?.Id);
        await audit.WriteAsync(http, EventActions.UserWrite, new JsonObject
        {
            ["action_id"] = ActionId,
            ["reason"] = reason,
            ["affected_user"] = target.Username,
        }, EventApp, actor: actor, actingFor: target, cancellationToken: cancellationToken);
    }

    private async Task DeleteArtifactsAsync(int targetId, LockdownActions actions, CancellationToken cancellationToken)
    {
        if (actions.DeleteSessions)
        {
            // Deleting the Session row cascades to its AuthenticatedSession: the cookie is refused on its next request.
            await db.Sessions.Where(s => s.Authenticated != null && s.Authenticated.UserId == targetId).ExecuteDeleteAsync(cancellationToken);
        }
        if (actions.RevokeTokens)
        {
            // Every intent, expired rows too: none may be revived or viewed again.
            await db.Tokens.Where(t => t.UserId == targetId).ExecuteDeleteAsync(cancellationToken);
        }
    }

    private async Task<bool> AnyArtifactsLeftAsync(int targetId, LockdownActions actions, CancellationToken cancellationToken) =>
        (actions.DeleteSessions && await db.AuthenticatedSessions.AnyAsync(a => a.UserId == targetId, cancellationToken))
        || (actions.RevokeTokens && await db.Tokens.AnyAsync(t => t.UserId == targetId, cancellationToken));

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Account lockdown applied to user {TargetId} by {ActorId}")]
    private static partial void LogLocked(ILogger logger, int targetId, int? actorId);
}
