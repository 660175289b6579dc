using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core;
using Warden.Persistence;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Core;

/// <summary>
/// The re-check a write makes before it hands out new access (AccessGuard): what it accepts, what it refuses, and
/// that it waits for a lockdown's open transaction instead of reading around it.
/// </summary>
public sealed class AccessGuardTests
{
    [Theory, Providers]
    public async Task AValidTokenCallerPassesAndAGoneOrDeactivatedOneDoesNot(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var key = await app.CreateTokenAsync(user);
        var identity = await TokenCallerAsync(app, user, key);

        Assert.True(await GuardAsync(app, identity));

        await app.WithDbAsync(db => db.Tokens.Where(t => t.Key == key).ExecuteDeleteAsync());
        Assert.False(await GuardAsync(app, identity));

        var other = await app.CreateUserAsync();
        var otherKey = await app.CreateTokenAsync(other);
        var otherIdentity = await TokenCallerAsync(app, other, otherKey);
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == other.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));
        Assert.False(await GuardAsync(app, otherIdentity));
    }

    [Theory, Providers]
    public async Task ASessionCallerPassesUntilItsSessionIsDeleted(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var key = await app.AddSessionAsync(user);
        var identity = new RequestIdentity
        {
            User = user,
            AuthenticatedBy = AuthenticatedBy.Session,
            Session = new Session { SessionKey = key },
        };

        Assert.True(await GuardAsync(app, identity));

        await app.WithDbAsync(db => db.Sessions.Where(s => s.SessionKey == key).ExecuteDeleteAsync());
        Assert.False(await GuardAsync(app, identity));
        Assert.False(await GuardAsync(app, new RequestIdentity()));
    }

    [Theory, Providers]
    public async Task TheCheckWaitsForAnOpenLockdownAndThenSeesItsResult(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var key = await app.CreateTokenAsync(user);
        var identity = await TokenCallerAsync(app, user, key);

        // A lockdown's first transaction, held open: the user deactivated and the token deleted, not yet committed.
        await using var scope = app.Services.CreateAsyncScope();
        var lockdown = scope.ServiceProvider.GetRequiredService<WardenDbContext>();
        await using var transaction = await lockdown.Database.BeginTransactionAsync();
        await lockdown.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false));
        await lockdown.Tokens.Where(t => t.UserId == user.Id).ExecuteDeleteAsync();

        // SQLite's busy wait blocks its thread: run the check on another.
        var check = Task.Run(() => GuardAsync(app, identity));
        var early = await Task.WhenAny(check, Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.NotSame(check, early);

        await transaction.CommitAsync();
        Assert.False(await check);
    }

    /// <summary>The identity the authentication middleware gives a request that came with this token.</summary>
    private static Task<RequestIdentity> TokenCallerAsync(TestApp app, User user, string key) => app.WithDbAsync(async db => new RequestIdentity
    {
        User = user,
        AuthenticatedBy = AuthenticatedBy.Token,
        Token = await db.Tokens.AsNoTracking().SingleAsync(t => t.Key == key),
    });

    /// <summary>The guard as a write runs it: inside a transaction of its own request scope.</summary>
    private static Task<bool> GuardAsync(TestApp app, RequestIdentity identity) => app.WithDbAsync(async db =>
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        return await AccessGuard.CallerStillValidAsync(db, identity, CancellationToken.None);
    });
}
