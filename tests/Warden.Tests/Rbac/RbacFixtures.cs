using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Events;
using Warden.Rbac;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Rbac;

/// <summary>Builds roles, grants and groups straight in the database, so tests state who may do what in one line.</summary>
public static class RbacFixtures
{
    /// <summary>Creates a role holding the given permissions (<c>(permission, objectPk)</c>, objectPk null = global).</summary>
    public static Task<Role> CreateRoleAsync(this TestApp app, string? name = null, params (string Permission, string? ObjectPk)[] grants) =>
        app.WithDbAsync(async db =>
        {
            var role = new Role { Name = name ?? "role-" + Guid.NewGuid().ToString("N")[..8] };
            foreach (var (permission, objectPk) in grants)
            {
                role.Permissions.Add(new RolePermission { Permission = permission, ObjectPk = objectPk });
            }
            db.Add(role);
            await db.SaveChangesAsync();
            return role;
        });

    /// <summary>Gives the user, directly, a new role that holds the permission (globally, or on one object).</summary>
    public static async Task<Role> GrantAsync(this TestApp app, User user, string permission, string? objectPk = null)
    {
        var role = await app.CreateRoleAsync(null, (permission, objectPk));
        await app.WithDbAsync(async db =>
        {
            var tracked = await db.Users.Include(u => u.Roles).FirstAsync(u => u.Id == user.Id);
            tracked.Roles.Add(await db.Set<Role>().FirstAsync(r => r.Id == role.Id));
            await db.SaveChangesAsync();
        });
        return role;
    }

    /// <summary>Creates a group with the given parents, members and roles.</summary>
    public static Task<Group> CreateGroupAsync(this TestApp app, string? name = null, bool superuser = false,
        Group[]? parents = null, User[]? members = null, Role[]? roles = null, JsonObject? attributes = null) =>
        app.WithDbAsync(async db =>
        {
            var group = new Group { Name = name ?? "group-" + Guid.NewGuid().ToString("N")[..8], IsSuperuser = superuser, Attributes = attributes ?? [] };
            group.NumPk = GroupNumbers.NumPk(group.Id);
            foreach (var parent in parents ?? [])
            {
                group.Parents.Add(await db.Groups.FirstAsync(g => g.Id == parent.Id));
            }
            foreach (var member in members ?? [])
            {
                group.Users.Add(await db.Users.FirstAsync(u => u.Id == member.Id));
            }
            foreach (var role in roles ?? [])
            {
                group.Roles.Add(await db.Set<Role>().FirstAsync(r => r.Id == role.Id));
            }
            db.Groups.Add(group);
            await db.SaveChangesAsync();
            return group;
        });

    /// <summary>The Event rows written so far with the given action, oldest first.</summary>
    public static Task<List<Event>> EventsAsync(this TestApp app, string action) =>
        app.WithDbAsync(db => db.Set<Event>().Where(e => e.Action == action).OrderBy(e => e.Created).ToListAsync());

    /// <summary>Asserts an audit middleware event (<c>model_*</c>) for the object, by the actor.</summary>
    public static void AssertModelEvent(Event e, User actor, string app, string modelName, JsonNode pk, string name)
    {
        Assert.Equal(ModelEvents.App, e.App);
        Assert.Equal(actor.Username, e.User["username"]!.GetValue<string>());
        Assert.Equal(actor.Id, e.User["pk"]!.GetValue<int>());
        var model = e.Context["model"]!.AsObject();
        Assert.True(JsonNode.DeepEquals(ModelEvents.Model(app, modelName, pk, name), model), model.ToJsonString());
        Assert.NotNull(e.Context["http_request"]);
    }

    /// <summary>The uid authentik derives for a user (sha256 of id and installation id).</summary>
    public static Task<string> UidAsync(this TestApp app, User user) =>
        app.WithDbAsync(async db => Installation.Uid(user.Id, (await db.Set<InstallId>().Select(i => i.Id).SingleAsync()).ToString("D")));
}
