using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core;
using Warden.Rbac;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Rbac;

/// <summary>The one permission rule: active AND (superuser OR a role — direct, through groups or their parents — grants it globally or on the object).</summary>
public sealed class PermissionRuleTests
{
    private static async Task<T> WithPermissionsAsync<T>(TestApp app, Func<Permissions, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<Permissions>());
    }

    private static Task<bool> HasAsync(TestApp app, User user, string permission, string? objectPk = null) =>
        WithPermissionsAsync(app, p => p.HasAsync(user, permission, objectPk));

    [Theory, Providers]
    public async Task GlobalGrantAllowsEveryObject(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        await app.GrantAsync(user, "authentik_core.change_group");

        Assert.True(await HasAsync(app, user, "authentik_core.change_group"));
        Assert.True(await HasAsync(app, user, "authentik_core.change_group", Guid.NewGuid().ToString()));
        Assert.False(await HasAsync(app, user, "authentik_core.delete_group"));
        Assert.Null(await WithPermissionsAsync(app, p => p.ObjectScopeAsync(user, "authentik_core.change_group")));
    }

    [Theory, Providers]
    public async Task ObjectGrantAllowsOnlyThatObject(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var target = await app.CreateUserAsync();
        await app.GrantAsync(user, "authentik_core.change_user", target.Id.ToString());

        Assert.True(await HasAsync(app, user, "authentik_core.change_user", target.Id.ToString()));
        Assert.False(await HasAsync(app, user, "authentik_core.change_user", (target.Id + 1000).ToString()));
        Assert.False(await HasAsync(app, user, "authentik_core.change_user"));
        Assert.Equal([target.Id.ToString()], await WithPermissionsAsync(app, p => p.ObjectScopeAsync(user, "authentik_core.change_user")));
    }

    [Theory, Providers]
    public async Task GrantThroughGroupCounts(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var role = await app.CreateRoleAsync(null, ("authentik_brands.view_brand", null));
        await app.CreateGroupAsync(members: [user], roles: [role]);

        Assert.True(await HasAsync(app, user, "authentik_brands.view_brand"));
        Assert.False(await HasAsync(app, await app.CreateUserAsync(), "authentik_brands.view_brand"));
    }

    [Theory, Providers]
    public async Task GrantThroughParentGroupCounts(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var role = await app.CreateRoleAsync(null, ("authentik_rbac.view_role", null));
        var grandparent = await app.CreateGroupAsync(roles: [role]);
        var parent = await app.CreateGroupAsync(parents: [grandparent]);
        await app.CreateGroupAsync(parents: [parent], members: [user]);

        Assert.True(await HasAsync(app, user, "authentik_rbac.view_role"));
        // A member of the grandparent's parent does not inherit downwards.
        var outsider = await app.CreateUserAsync();
        await app.CreateGroupAsync(members: [outsider], roles: []);
        Assert.False(await HasAsync(app, outsider, "authentik_rbac.view_role"));
    }

    [Theory, Providers]
    public async Task InactiveActorIsDeniedEvenAsSuperuser(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync(superuser: true, active: false);
        await app.GrantAsync(user, "authentik_core.view_group");

        Assert.False(await HasAsync(app, user, "authentik_core.view_group"));
        Assert.False(await WithPermissionsAsync(app, p => p.IsSuperuserAsync(user)));
        Assert.Empty((await WithPermissionsAsync(app, p => p.ObjectScopeAsync(user, "authentik_core.view_group")))!);
    }

    [Theory, Providers]
    public async Task SuperuserGroupMembershipGrantsEverything(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        await app.CreateGroupAsync(superuser: true, members: [user]);

        Assert.True(await WithPermissionsAsync(app, p => p.IsSuperuserAsync(user)));
        Assert.True(await HasAsync(app, user, "authentik_core.delete_user", "42"));
        Assert.Null(await WithPermissionsAsync(app, p => p.ObjectScopeAsync(user, "authentik_core.view_user")));
    }

    [Theory, Providers]
    public async Task SuperuserParentGroupMakesMembersOfChildrenSuperusers(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var root = await app.CreateGroupAsync(superuser: true);
        var middle = await app.CreateGroupAsync(parents: [root]);
        await app.CreateGroupAsync(parents: [middle], members: [user]);

        Assert.True(await WithPermissionsAsync(app, p => p.IsSuperuserAsync(user)));
        Assert.True(await HasAsync(app, user, "authentik_rbac.assign_role_permissions"));
    }

    [Theory, Providers]
    public async Task ParentCycleDoesNotLoop(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var a = await app.CreateGroupAsync();
        var b = await app.CreateGroupAsync(parents: [a], members: [user]);
        await app.WithDbAsync(async db =>
        {
            var tracked = await db.Groups.Include(g => g.Parents).FirstAsync(g => g.Id == a.Id);
            tracked.Parents.Add(await db.Groups.FirstAsync(g => g.Id == b.Id));
            await db.SaveChangesAsync();
        });

        Assert.False(await HasAsync(app, user, "authentik_core.view_group"));
        Assert.False(await WithPermissionsAsync(app, p => p.IsSuperuserAsync(user)));
    }

    [Theory, Providers]
    public async Task RoleGrantEndsWhenTheRoleIsRemoved(string provider)
    {
        await using var app = await TestApp.StartAsync(provider);
        var user = await app.CreateUserAsync();
        var role = await app.GrantAsync(user, "authentik_core.view_user");
        Assert.True(await HasAsync(app, user, "authentik_core.view_user"));

        await app.WithDbAsync(db => db.Set<Role>().Where(r => r.Id == role.Id).ExecuteDeleteAsync());

        Assert.False(await HasAsync(app, user, "authentik_core.view_user"));
    }
}
