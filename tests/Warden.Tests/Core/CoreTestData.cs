using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Core;
using Warden.Rbac;
using Warden.Tests.Infrastructure;

namespace Warden.Tests.Core;

/// <summary>Test data and expected bodies for the core APIs.</summary>
internal static class CoreTestData
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The fake clock's start, as DRF prints it.</summary>
    public const string Now = "2026-11-25T12:00:00Z";

    /// <summary>Gives the user a role of its own holding <paramref name="permission"/> (globally, or on one object).</summary>
    public static async Task GrantAsync(this TestApp app, User user, string permission, string? objectPk = null)
    {
        await app.WithDbAsync(async db =>
        {
            var role = new Role { Name = "role-" + Guid.NewGuid().ToString("N")[..12] };
            role.Users.Add(await db.Users.SingleAsync(u => u.Id == user.Id));
            role.Permissions.Add(new RolePermission { Permission = permission, ObjectPk = objectPk });
            db.Set<Role>().Add(role);
            await db.SaveChangesAsync();
        });
    }

    public static Task<string> InstallIdAsync(this TestApp app) =>
        app.WithDbAsync(async db => (await db.Set<InstallId>().Select(i => i.Id).SingleAsync()).ToString("D"));

    /// <summary>sha256("{pk}-{install id}"), computed here independently of the server.</summary>
    public static string Uid(int pk, string installId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes($"{pk}-{installId}")));

    public static Task<Group> AdminGroupAsync(this TestApp app) =>
        app.WithDbAsync(db => db.Groups.AsNoTracking().SingleAsync(g => g.Name == Bootstrap.AdminGroupName));

    public static async Task<Group> CreateGroupAsync(this TestApp app, string name, bool superuser = false, params User[] members)
    {
        return await app.WithDbAsync(async db =>
        {
            var group = new Group { Name = name, IsSuperuser = superuser };
            group.NumPk = GroupNumbers.NumPk(group.Id);
            foreach (var member in members)
            {
                group.Users.Add(await db.Users.SingleAsync(u => u.Id == member.Id));
            }
            db.Groups.Add(group);
            await db.SaveChangesAsync();
            return group;
        });
    }

    public static async Task<Role> CreateRoleAsync(this TestApp app, string name, params User[] members)
    {
        return await app.WithDbAsync(async db =>
        {
            var role = new Role { Name = name };
            foreach (var member in members)
            {
                role.Users.Add(await db.Users.SingleAsync(u => u.Id == member.Id));
            }
            db.Set<Role>().Add(role);
            await db.SaveChangesAsync();
            return role;
        });
    }

    public static Task<User> ReloadAsync(this TestApp app, User user) =>
        app.WithDbAsync(db => db.Users.AsNoTracking().Include(u => u.Groups).Include(u => u.Roles).SingleAsync(u => u.Id == user.Id));

    public static string DrfDate(DateTime value) => Warden.Api.DrfDateTimeConverter.Format(value);

    /// <summary>The User body authentik sends for <paramref name="user"/> (groups and roles as given, sorted by name).</summary>
    public static JsonObject UserJson(User user, string installId, IEnumerable<Group>? groups = null, IEnumerable<Role>? roles = null,
        bool includeGroups = true, bool includeRoles = true)
    {
        var g = (groups ?? user.Groups).OrderBy(x => x.Name, StringComparer.Ordinal).ToList();
        var r = (roles ?? user.Roles).OrderBy(x => x.Name, StringComparer.Ordinal).ToList();
        return new JsonObject
        {
            ["pk"] = user.Id,
            ["username"] = user.Username,
            ["name"] = user.Name,
            ["is_active"] = user.IsActive,
            ["last_login"] = user.LastLogin is { } l ? DrfDate(l) : null,
            ["date_joined"] = DrfDate(user.DateJoined),
            ["is_superuser"] = g.Any(x => x.IsSuperuser),
            ["groups"] = new JsonArray(g.Select(x => (JsonNode)x.Id.ToString()).ToArray()),
            ["groups_obj"] = includeGroups
                ? new JsonArray(g.Select(x => (JsonNode)new JsonObject
                {
                    ["pk"] = x.Id.ToString(),
                    ["num_pk"] = x.NumPk,
                    ["name"] = x.Name,
                    ["is_superuser"] = x.IsSuperuser,
                    ["attributes"] = x.Attributes.DeepClone(),
                }).ToArray())
                : null,
            ["roles"] = new JsonArray(r.Select(x => (JsonNode)x.Id.ToString()).ToArray()),
            ["roles_obj"] = includeRoles
                ? new JsonArray(r.Select(x => (JsonNode)new JsonObject { ["pk"] = x.Id.ToString(), ["name"] = x.Name }).ToArray())
                : null,
            ["email"] = user.Email,
            ["avatar"] = Avatars.For(user),
            ["attributes"] = user.Attributes.DeepClone(),
            ["uid"] = Uid(user.Id, installId),
            ["path"] = user.Path,
            ["type"] = user.Type.ToApi(),
            ["uuid"] = user.Uuid.ToString(),
            ["password_change_date"] = DrfDate(user.PasswordChangeDate),
            ["last_updated"] = DrfDate(user.LastUpdated),
        };
    }

    /// <summary>authentik's paginated body around <paramref name="results"/>.</summary>
    public static string Page(IEnumerable<JsonNode> results, int count, int current = 1, int totalPages = 1, int next = 0, int previous = 0,
        int? startIndex = null, int? endIndex = null)
    {
        var list = results.ToList();
        return new JsonObject
        {
            ["pagination"] = new JsonObject
            {
                ["next"] = next,
                ["previous"] = previous,
                ["count"] = count,
                ["current"] = current,
                ["total_pages"] = totalPages,
                ["start_index"] = startIndex ?? (count == 0 ? 0 : 1),
                ["end_index"] = endIndex ?? list.Count,
            },
            ["results"] = new JsonArray(list.Select(x => x.DeepClone()).ToArray()),
            ["autocomplete"] = new JsonObject(),
        }.ToJsonString();
    }

    public static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The JSON of the newest event with this action.</summary>
    public static Task<Warden.Events.Event> LastEventAsync(this TestApp app, string action) =>
        app.WithDbAsync(db => db.Set<Warden.Events.Event>().AsNoTracking().Where(e => e.Action == action)
            .OrderByDescending(e => e.Created).FirstAsync());

    public static Task<int> EventCountAsync(this TestApp app, string action) =>
        app.WithDbAsync(db => db.Set<Warden.Events.Event>().CountAsync(e => e.Action == action));

    public static void AssertJson(JsonNode? actual, string expected)
    {
        var e = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(e, actual), $"expected {e?.ToJsonString()}\nactual   {actual?.ToJsonString()}");
    }
}
