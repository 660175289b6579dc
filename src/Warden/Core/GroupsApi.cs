using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Events;
using Warden.Persistence;
using Warden.Rbac;

namespace Warden.Core;

/// <summary>authentik's group viewset, <c>/api/v3/core/groups/</c> (authentik/core/api/groups.py).</summary>
public static class GroupsApi
{
    public const string ViewPermission = "authentik_core.view_group";
    public const string AddPermission = "authentik_core.add_group";
    public const string ChangePermission = "authentik_core.change_group";
    public const string DeletePermission = "authentik_core.delete_group";
    public const string AddUserPermission = "authentik_core.add_user_to_group";
    public const string RemoveUserPermission = "authentik_core.remove_user_from_group";
    public const string EnableSuperuserPermission = "authentik_core.enable_group_superuser";
    public const string DisableSuperuserPermission = "authentik_core.disable_group_superuser";

    private const string Tag = "core";
    private const string Description = "Group Viewset";
    private const string ModelName = "Group";

    private static readonly ListQuery<Group> Query = new ListQuery<Group>()
        .Filter("name", g => g.Name)
        .Filter("is_superuser", g => g.IsSuperuser)
        .Search(g => g.Name, g => g.IsSuperuser ? "true" : "false")
        .Order("pk", g => g.Id)
        .Order("name", g => g.Name)
        .Order("is_superuser", g => g.IsSuperuser)
        .DefaultOrder("name");

    private static readonly QueryParameter[] IncludeParameters =
    [
        new("include_children", QueryType.Bool),
        new("include_inherited_roles", QueryType.Bool),
        new("include_parents", QueryType.Bool),
        new("include_users", QueryType.Bool),
    ];

    /// <summary>Filters applied by the handler itself (their errors have django-filter's own messages).</summary>
    private static readonly QueryParameter[] MemberParameters =
    [
        AttributesFilter.Parameter,
        new("members_by_pk", QueryType.IntArray),
        new("members_by_username", QueryType.StringArray, "Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
    ];

    public static IEndpointRouteBuilder MapGroupsApi(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/api/v3/core/groups").RequireActor()
            .PathParameter("group_uuid", QueryType.Uuid, "A UUID string identifying this Group.");
        groups.MapGet("/", List)
            .Operation("core_groups_list", Tag, Description)
            .Query(Query.Parameters.Concat(IncludeParameters).Concat(MemberParameters))
            .Response<Paginated<GroupResponse>>();
        groups.MapPost("/", Create)
            .Operation("core_groups_create", Tag, Description)
            .Request<GroupRequest>()
            .Response<GroupResponse>(StatusCodes.Status201Created);
        groups.MapGet("/{group_uuid}/", Retrieve)
            .Operation("core_groups_retrieve", Tag, Description)
            .Query(IncludeParameters)
            .Response<GroupResponse>();
        groups.MapPut("/{group_uuid}/", Update)
            .Operation("core_groups_update", Tag, Description)
            .Request<GroupRequest>()
            .Response<GroupResponse>();
        groups.MapPatch("/{group_uuid}/", PartialUpdate)
            .Operation("core_groups_partial_update", Tag, Description)
            .Request<GroupRequest>(partial: true, required: false)
            .Response<GroupResponse>();
        groups.MapDelete("/{group_uuid}/", Destroy)
            .Operation("core_groups_destroy", Tag, Description)
            .NoContent();
        groups.MapPost("/{group_uuid}/add_user/", AddUser)
            .Operation("core_groups_add_user_create", Tag, "Add user to group")
            .Request<UserAccountRequest>()
            .NoContent(description: "User added")
            .NoContent(StatusCodes.Status404NotFound, "User not found");
        groups.MapPost("/{group_uuid}/remove_user/", RemoveUser)
            .Operation("core_groups_remove_user_create", Tag, "Remove user from group")
            .Request<UserAccountRequest>()
            .NoContent(description: "User removed")
            .NoContent(StatusCodes.Status404NotFound, "User not found");
        groups.MapGet("/{group_uuid}/used_by/", UsedBy)
            .Operation("core_groups_used_by_list", Tag, "Get a list of all objects that use this object")
            .Response<List<UsedByResponse>>();
        return app;
    }

    [ApiSchema("GroupRequest", Description = "Group Serializer")]
    public sealed record GroupRequest(
        [ApiField(MinLength = 1)] string Name,
        [ApiField(Description = "Users added to this group will be superusers.")] bool IsSuperuser = false,
        [ApiField(PrimaryKey = true)] List<Guid> Parents = null!,
        [ApiField(PrimaryKey = true)] List<int> Users = null!,
        [ApiField(Dictionary = true)] JsonNode Attributes = null!,
        [ApiField(PrimaryKey = true)] List<Guid> Roles = null!);

    [ApiSchema("UserAccountRequest", Description = "Account adding/removing operations")]
    public sealed record UserAccountRequest(int Pk);

    [ApiSchema("Group", Description = "Group Serializer")]
    public sealed record GroupResponse(
        Guid Pk,
        int NumPk,
        string Name,
        bool IsSuperuser,
        IReadOnlyList<Guid> Parents,
        IReadOnlyList<RelatedGroup>? ParentsObj,
        IReadOnlyList<int> Users,
        IReadOnlyList<PartialUser>? UsersObj,
        JsonObject Attributes,
        IReadOnlyList<Guid> Roles,
        IReadOnlyList<RolesApi.RoleResponse> RolesObj,
        IReadOnlyList<RolesApi.RoleResponse>? InheritedRolesObj,
        IReadOnlyList<Guid> Children,
        IReadOnlyList<RelatedGroup>? ChildrenObj);

    /// <summary>A group's model fields as GroupRequest writes them, so only pk and group_uuid are read-only.</summary>
    [ApiSchema("RelatedGroup", Description = "Stripped down group serializer to show relevant children/parents for groups", Request = typeof(GroupRequest))]
    public sealed record RelatedGroup(Guid Pk, string Name, bool IsSuperuser, JsonObject Attributes, Guid GroupUuid);

    /// <summary>
    /// A user's model fields as UserRequest writes them (only pk and uid are read-only); the username has the
    /// model's own validator here, where the User serializer declares a plain field.
    /// </summary>
    [ApiSchema("PartialUser", Description = "Partial User Serializer, does not include child relations.", Request = typeof(UsersApi.UserRequest))]
    public sealed record PartialUser(
        int Pk,
        [ApiField(MaxLength = 150, Pattern = UsersApi.UsernamePattern)] string Username,
        string Name,
        bool IsActive,
        DateTime? LastLogin,
        string Email,
        JsonObject Attributes,
        string Uid);

    /// <summary>Which expanded relations a response carries (authentik's include_* query flags; only "true" counts).</summary>
    private sealed record Includes(bool Users, bool Parents, bool Children, bool InheritedRoles)
    {
        public static Includes From(HttpRequest request) => new(
            Flag(request, "include_users", "true"),
            Flag(request, "include_parents", "false"),
            Flag(request, "include_children", "false"),
            Flag(request, "include_inherited_roles", "false"));

        private static bool Flag(HttpRequest request, string name, string fallback)
        {
            var raw = request.Query.TryGetValue(name, out var values) ? values.ToString() : fallback;
            return string.Equals(raw, "true", StringComparison.OrdinalIgnoreCase);
        }
    }

    private static async Task<IResult> List(
        HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        var user = http.CurrentUser()!;
        var visible = await access.VisibleAsync(user, ViewPermission, db.Groups.AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, g => g.Id), cancellationToken);
        if (visible is null)
        {
            return ApiErrors.PermissionDenied();
        }
        var (filtered, error) = await MemberFiltersAsync(db, visible, http.Request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var includes = Includes.From(http.Request);
        return await Query.ToPageAsync(filtered!, http.Request,
            async page => await ToResponsesAsync(db, page.Select(g => g.Id).ToList(), includes, cancellationToken),
            cancellationToken);
    }

    /// <summary>
    /// django-filter's members_by_pk / members_by_username (any of the given users) and authentik's attributes
    /// filter (<c>{"key": value}</c> matches <c>attributes.key == value</c>, <c>__</c> walks nested keys).
    /// </summary>
    private static async Task<(IQueryable<Group>? Query, IResult? Error)> MemberFiltersAsync(
        WardenDbContext db, IQueryable<Group> query, HttpRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var byPk = request.Query["members_by_pk"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
        if (byPk.Count > 0)
        {
            var ids = new List<int>();
            foreach (var value in byPk)
            {
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
                {
                    errors.Add("members_by_pk", $"\u201c{value}\u201d is not a valid value.");
                    break;
                }
                ids.Add(id);
            }
            if (!errors.Has("members_by_pk"))
            {
                var existing = await db.Users.Where(u => ids.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken);
                var missing = byPk.FirstOrDefault(v => !existing.Contains(int.Parse(v, CultureInfo.InvariantCulture)));
                if (missing is not null)
                {
                    errors.Add("members_by_pk", $"Select a valid choice. {missing} is not one of the available choices.");
                }
                else
                {
                    query = query.Where(g => g.Users.Any(u => ids.Contains(u.Id)));
                }
            }
        }
        var byUsername = request.Query["members_by_username"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
        if (byUsername.Count > 0)
        {
            var existing = await db.Users.Where(u => byUsername.Contains(u.Username)).Select(u => u.Username).ToListAsync(cancellationToken);
            var missing = byUsername.FirstOrDefault(v => !existing.Contains(v, StringComparer.Ordinal));
            if (missing is not null)
            {
                errors.Add("members_by_username", $"Select a valid choice. {missing} is not one of the available choices.");
            }
            else
            {
                query = query.Where(g => g.Users.Any(u => byUsername.Contains(u.Username)));
            }
        }
        if (!errors.IsValid)
        {
            return (null, errors.ToResult());
        }
        var (wanted, invalid) = AttributesFilter.Parse(request);
        if (invalid is not null)
        {
            return (null, invalid);
        }
        if (wanted is not null)
        {
            var candidates = await query.Select(g => new { g.Id, g.Attributes }).ToListAsync(cancellationToken);
            var matching = candidates.Where(c => AttributesFilter.Matches(c.Attributes, wanted)).Select(c => c.Id).ToList();
            query = query.Where(g => matching.Contains(g.Id));
        }
        return (query, null);
    }

    private static async Task<IResult> Retrieve(
        [FromRoute(Name = "group_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access,
        CancellationToken cancellationToken)
    {
        var (group, error) = await FindAsync(http, db, access, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        return TypedResults.Json(await ToResponseAsync(db, group!.Id, Includes.From(http.Request), cancellationToken), ApiJson.Options);
    }

    private static async Task<IResult> Create(
        HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, CancellationToken cancellationToken)
    {
        var user = http.CurrentUser()!;
        if (!await access.CanGloballyAsync(user, AddPermission, cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<GroupRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var group = new Group();
        group.NumPk = GroupNumbers.NumPk(group.Id);
        var validation = await ValidateAsync(db, access, user, body, group, isNew: true, cancellationToken);
        if (validation.Error is not null)
        {
            return validation.Error;
        }
        db.Groups.Add(group);
        var changes = Apply(group, body, validation, fullUpdate: true);
        if (await NameRaceAsync(db, group, cancellationToken) is { } race)
        {
            return race;
        }
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelCreated, EventModel(group), cancellationToken);
        for (var i = 0; i < changes; i++)
        {
            await ModelEvents.WriteAsync(audit, http, EventActions.ModelUpdated, EventModel(group), cancellationToken);
        }
        return TypedResults.Json(await ToResponseAsync(db, group.Id, Includes.From(http.Request), cancellationToken), ApiJson.Options,
            statusCode: StatusCodes.Status201Created);
    }

    private static Task<IResult> Update(
        [FromRoute(Name = "group_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
        CancellationToken cancellationToken) =>
        SaveAsync(id, http, db, access, audit, BodyMode.Full, cancellationToken);

    private static Task<IResult> PartialUpdate(
        [FromRoute(Name = "group_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
        CancellationToken cancellationToken) =>
        SaveAsync(id, http, db, access, audit, BodyMode.Partial, cancellationToken);

    private static async Task<IResult> SaveAsync(
        string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, BodyMode mode,
        CancellationToken cancellationToken)
    {
        var (found, error) = await FindAsync(http, db, access, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var user = http.CurrentUser()!;
        if (!await access.CanAsync(user, ChangePermission, ObjectPk(found!.Id), cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<GroupRequest>(http.Request, mode, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var group = await db.Groups.Include(g => g.Users).Include(g => g.Parents).Include(g => g.Roles)
            .FirstAsync(g => g.Id == found.Id, cancellationToken);
        var validation = await ValidateAsync(db, access, user, body, group, isNew: false, cancellationToken);
        if (validation.Error is not null)
        {
            return validation.Error;
        }
        var changes = Apply(group, body, validation, fullUpdate: mode == BodyMode.Full);
        if (await NameRaceAsync(db, group, cancellationToken) is { } race)
        {
            return race;
        }
        // As Django: the save itself, then one event per many-to-many removal and addition.
        for (var i = 0; i <= changes; i++)
        {
            await ModelEvents.WriteAsync(audit, http, EventActions.ModelUpdated, EventModel(group), cancellationToken);
        }
        return TypedResults.Json(await ToResponseAsync(db, group.Id, Includes.From(http.Request), cancellationToken), ApiJson.Options);
    }

    private static async Task<IResult> Destroy(
        [FromRoute(Name = "group_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
        CancellationToken cancellationToken)
    {
        var (group, error) = await FindAsync(http, db, access, id, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (!await access.CanAsync(http.CurrentUser()!, DeletePermission, ObjectPk(group!.Id), cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        await db.Groups.Where(g => g.Id == group.Id).ExecuteDeleteAsync(cancellationToken);
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelDeleted, EventModel(group), cancellationToken);
        return TypedResults.NoContent();
    }

    private static Task<IResult> AddUser(
        [FromRoute(Name = "group_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
        CancellationToken cancellationToken) =>
        MembershipAsync(id, http, db, access, audit, AddUserPermission, add: true, cancellationToken);

    private static Task<IResult> RemoveUser(
        [FromRoute(Name = "group_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit,
        CancellationToken cancellationToken) =>
        MembershipAsync(id, http, db, access, audit, RemoveUserPermission, add: false, cancellationToken);

    /// <summary>
    /// add_user / remove_user: the group permission (globally, or on this group), then the body, then the user,
    /// who must be one the caller may view: an invisible user is the same 404 as a missing one.
    /// </summary>
    private static async Task<IResult> MembershipAsync(
        string id, HttpContext http, WardenDbContext db, ObjectAccess access, AuditLog audit, string permission, bool add,
        CancellationToken cancellationToken)
    {
        var user = http.CurrentUser()!;
        var groupId = Guid.TryParse(id, out var parsed) ? parsed : (Guid?)null;
        if (!await access.CanGloballyAsync(user, permission, cancellationToken))
        {
            // authentik looks the group up (without the view filter) before checking the object permission.
            if (groupId is null)
            {
                return ObjectAccess.NotFound();
            }
            if (!await db.Groups.AnyAsync(g => g.Id == groupId, cancellationToken))
            {
                return ApiErrors.NotFound(ModelName);
            }
            if (!await access.CanAsync(user, permission, ObjectPk(groupId.Value), cancellationToken))
            {
                return ApiErrors.PermissionDenied();
            }
        }
        var body = await ApiBody.ReadAsync<UserAccountRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        if (groupId is null)
        {
            return ObjectAccess.NotFound();
        }
        var group = await db.Groups.Include(g => g.Users.Where(u => u.Id == body.Value.Pk))
            .FirstOrDefaultAsync(g => g.Id == groupId, cancellationToken);
        if (group is null)
        {
            return ApiErrors.NotFound(ModelName);
        }
        var target = await (await VisibleUsersAsync(db, access, user, cancellationToken))
            .FirstOrDefaultAsync(u => u.Id == body.Value.Pk, cancellationToken);
        if (target is null)
        {
            return ObjectAccess.NotFound();
        }
        if (add && group.Users.Count == 0)
        {
            group.Users.Add(target);
        }
        else if (!add)
        {
            group.Users.Remove(target);
        }
        await db.SaveChangesAsync(cancellationToken);
        // Django sends m2m_changed (and authentik logs the group as updated) even when nothing changed.
        await ModelEvents.WriteAsync(audit, http, EventActions.ModelUpdated, EventModel(group), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> UsedBy(
        [FromRoute(Name = "group_uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access,
        CancellationToken cancellationToken)
    {
        // As authentik's used_by: the group only has to exist; what is listed is narrowed to what the caller may view.
        if (!Guid.TryParse(id, out var groupId))
        {
            return ObjectAccess.NotFound();
        }
        if (!await db.Groups.AnyAsync(g => g.Id == groupId, cancellationToken))
        {
            return ApiErrors.NotFound(ModelName);
        }
        var user = http.CurrentUser()!;
        var result = new List<UsedByResponse>();
        var visibleGroups = await access.ObjectsForUserAsync(user, ViewPermission, db.Groups.AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, g => g.Id), cancellationToken);
        // In authentik's order (the model's related managers by name): children, parents, roles, users.
        var children = await visibleGroups.Where(g => g.Parents.Any(p => p.Id == groupId)).OrderBy(g => g.Name).ToListAsync(cancellationToken);
        result.AddRange(children.Select(g => new UsedByResponse("authentik_core", "group", g.Id.ToString(), $"Group {g.Name}", UsedByActions.CascadeMany)));
        var parents = await visibleGroups.Where(g => g.Children.Any(c => c.Id == groupId)).OrderBy(g => g.Name).ToListAsync(cancellationToken);
        result.AddRange(parents.Select(g => new UsedByResponse("authentik_core", "group", g.Id.ToString(), $"Group {g.Name}", UsedByActions.CascadeMany)));
        var roles = await access.ObjectsForUserAsync(user, RolesApi.ViewPermission, db.Set<Role>().AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, r => r.Id), cancellationToken);
        var used = await roles.Where(r => r.Groups.Any(g => g.Id == groupId)).OrderBy(r => r.Name).ToListAsync(cancellationToken);
        result.AddRange(used.Select(r => new UsedByResponse("authentik_rbac", "role", r.Id.ToString(), $"Role {r.Name}", UsedByActions.CascadeMany)));
        var members = await (await VisibleUsersAsync(db, access, user, cancellationToken))
            .Where(u => u.Groups.Any(g => g.Id == groupId)).OrderBy(u => u.Id).ToListAsync(cancellationToken);
        result.AddRange(members.Select(u => new UsedByResponse("authentik_core", "user", u.Id.ToString(CultureInfo.InvariantCulture), u.Username, UsedByActions.CascadeMany)));
        return TypedResults.Json(result, ApiJson.Options);
    }

    /// <summary>The users the caller may view (authentik's <c>get_objects_for_user(user, "authentik_core.view_user")</c>).</summary>
    private static Task<IQueryable<User>> VisibleUsersAsync(WardenDbContext db, ObjectAccess access, User caller, CancellationToken cancellationToken) =>
        access.ObjectsForUserAsync(caller, "authentik_core.view_user", db.Users, (q, pks) => ObjectAccess.ByInt(q, pks, u => u.Id), cancellationToken);

    private static Task<(Group? Group, IResult? Error)> FindAsync(
        HttpContext http, WardenDbContext db, ObjectAccess access, string id, CancellationToken cancellationToken)
    {
        System.Linq.Expressions.Expression<Func<Group, bool>>? match =
            Guid.TryParse(id, out var groupId) ? g => g.Id == groupId : null;
        return access.FindAsync(http.CurrentUser(), ViewPermission, db.Groups.AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, g => g.Id), match, ModelName, cancellationToken);
    }

    /// <summary>
    /// Saves, turning a unique-name violation by a concurrent request (after validation passed) into the same 400
    /// validation would have given, rather than a 500.
    /// </summary>
    private static async Task<IResult?> NameRaceAsync(WardenDbContext db, Group group, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            if (await db.Groups.AsNoTracking().AnyAsync(g => g.Name == group.Name && g.Id != group.Id, cancellationToken))
            {
                return ApiErrors.Field("name", "Group with this name already exists.");
            }
            throw;
        }
    }

    /// <summary>How authentik stores a group's key in object permissions (<c>str(uuid)</c>).</summary>
    public static string ObjectPk(Guid id) => id.ToString();

    private static JsonObject EventModel(Group group) =>
        ModelEvents.Model("authentik_core", "group", group.Id, group.Name);

    private sealed record Validated(List<User> Users, List<Group> Parents, List<Role> Roles)
    {
        public IResult? Error { get; init; }
    }

    /// <summary>
    /// GroupSerializer's checks: unique name, existing parents/users/roles (the first missing key is reported, as
    /// DRF's related fields do), no group as its own parent, and the superuser flag only changed by a caller
    /// holding enable_group_superuser / disable_group_superuser (globally, or on this group).
    /// </summary>
    private static async Task<Validated> ValidateAsync(
        WardenDbContext db, ObjectAccess access, User actor, Body<GroupRequest> body, Group group, bool isNew,
        CancellationToken cancellationToken)
    {
        var request = body.Value;
        var errors = new ValidationErrors();
        if (body.Has("name") && await db.Groups.AnyAsync(g => g.Name == request.Name && g.Id != group.Id, cancellationToken))
        {
            errors.Add("name", "Group with this name already exists.");
        }
        if (body.Has("is_superuser") && !(!isNew && request.IsSuperuser == group.IsSuperuser) && (!isNew || request.IsSuperuser))
        {
            var permission = request.IsSuperuser ? EnableSuperuserPermission : DisableSuperuserPermission;
            var allowed = isNew
                ? await access.CanGloballyAsync(actor, permission, cancellationToken)
                : await access.CanAsync(actor, permission, ObjectPk(group.Id), cancellationToken);
            if (!allowed)
            {
                errors.Add("is_superuser", $"User does not have permission to set superuser status to {(request.IsSuperuser ? "True" : "False")}.");
            }
        }
        var parents = new List<Group>();
        if (body.Has("parents"))
        {
            var wanted = request.Parents.Distinct().ToList();
            parents = await db.Groups.Where(g => wanted.Contains(g.Id)).ToListAsync(cancellationToken);
            var missing = request.Parents.FirstOrDefault(p => parents.All(g => g.Id != p), Guid.Empty);
            if (parents.Count != wanted.Count)
            {
                errors.InvalidPk("parents", missing);
            }
            else if (!isNew && wanted.Contains(group.Id))
            {
                errors.Add("parents", "Cannot set group as parent of itself.");
            }
        }
        var users = new List<User>();
        if (body.Has("users"))
        {
            var wanted = request.Users.Distinct().ToList();
            users = await db.Users.Where(u => wanted.Contains(u.Id)).ToListAsync(cancellationToken);
            if (users.Count != wanted.Count)
            {
                errors.InvalidPk("users", request.Users.First(id => users.All(u => u.Id != id)));
            }
        }
        var roles = new List<Role>();
        if (body.Has("roles"))
        {
            var wanted = request.Roles.Distinct().ToList();
            roles = await db.Set<Role>().Where(r => wanted.Contains(r.Id)).ToListAsync(cancellationToken);
            if (roles.Count != wanted.Count)
            {
                errors.InvalidPk("roles", request.Roles.First(id => roles.All(r => r.Id != id)));
            }
        }
        if (body.Has("attributes") && request.Attributes is not JsonObject)
        {
            errors.Add("attributes", "Value must be a dictionary, and not have any duplicate keys.");
        }
        return new Validated(users, parents, roles) { Error = errors.IsValid ? null : errors.ToResult() };
    }

    /// <summary>
    /// Applies the fields the caller sent. A full update (PUT) resets users and parents when omitted (their
    /// serializer default is an empty list); roles are only changed when sent. Returns how many many-to-many
    /// removals/additions happened, each of which authentik records as an update.
    /// </summary>
    private static int Apply(Group group, Body<GroupRequest> body, Validated validated, bool fullUpdate)
    {
        var request = body.Value;
        if (body.Has("name"))
        {
            group.Name = request.Name;
        }
        if (body.Has("is_superuser"))
        {
            group.IsSuperuser = request.IsSuperuser;
        }
        if (body.Has("attributes"))
        {
            group.Attributes = (JsonObject)request.Attributes.DeepClone();
        }
        var changes = 0;
        if (body.Has("parents") || fullUpdate)
        {
            changes += Replace(group.Parents, validated.Parents, g => g.Id);
        }
        if (body.Has("users") || fullUpdate)
        {
            changes += Replace(group.Users, validated.Users, u => u.Id);
        }
        if (body.Has("roles"))
        {
            changes += Replace(group.Roles, validated.Roles, r => r.Id);
        }
        return changes;
    }

    /// <summary>Django's <c>RelatedManager.set()</c>: remove what is gone, add what is new; counts each non-empty step.</summary>
    private static int Replace<T, TKey>(List<T> current, List<T> wanted, Func<T, TKey> key)
    {
        var wantedKeys = wanted.Select(key).ToHashSet();
        var currentKeys = current.Select(key).ToHashSet();
        var removed = current.RemoveAll(item => !wantedKeys.Contains(key(item)));
        var added = wanted.Where(item => !currentKeys.Contains(key(item))).ToList();
        current.AddRange(added);
        return (removed > 0 ? 1 : 0) + (added.Count > 0 ? 1 : 0);
    }

    private static async Task<GroupResponse> ToResponseAsync(WardenDbContext db, Guid id, Includes includes, CancellationToken cancellationToken) =>
        (await ToResponsesAsync(db, [id], includes, cancellationToken))[0];

    /// <summary>Serializes groups in the given order, loading their relations in a few set-based queries.</summary>
    private static async Task<IReadOnlyList<GroupResponse>> ToResponsesAsync(
        WardenDbContext db, List<Guid> ids, Includes includes, CancellationToken cancellationToken)
    {
        var groups = await db.Groups.AsNoTracking().Where(g => ids.Contains(g.Id))
            .Include(g => g.Users).Include(g => g.Parents).Include(g => g.Children).Include(g => g.Roles)
            .AsSplitQuery().ToListAsync(cancellationToken);
        var installId = includes.Users ? (await db.Set<InstallId>().AsNoTracking().Select(i => i.Id).SingleAsync(cancellationToken)).ToString("D") : "";
        var responses = new List<GroupResponse>();
        foreach (var id in ids)
        {
            var group = groups.First(g => g.Id == id);
            var parents = group.Parents.OrderBy(g => g.Name, StringComparer.Ordinal).ToList();
            var children = group.Children.OrderBy(g => g.Name, StringComparer.Ordinal).ToList();
            var users = group.Users.OrderBy(u => u.Id).ToList();
            var roles = group.Roles.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
            IReadOnlyList<RolesApi.RoleResponse>? inherited = null;
            if (includes.InheritedRoles)
            {
                var ancestors = await GroupHierarchy.WithAncestorsAsync(db, [group.Id], cancellationToken);
                ancestors.Remove(group.Id);
                var direct = roles.Select(r => r.Id).ToList();
                inherited = (await db.Set<Role>().AsNoTracking()
                        .Where(r => r.Groups.Any(g => ancestors.Contains(g.Id)) && !direct.Contains(r.Id))
                        .ToListAsync(cancellationToken))
                    .OrderBy(r => r.Name, StringComparer.Ordinal).Select(RolesApi.ToResponse).ToList();
            }
            responses.Add(new GroupResponse(
                group.Id,
                group.NumPk,
                group.Name,
                group.IsSuperuser,
                parents.Select(g => g.Id).ToList(),
                includes.Parents ? parents.Select(ToRelated).ToList() : null,
                users.Select(u => u.Id).ToList(),
                includes.Users ? users.Select(u => ToPartialUser(u, installId)).ToList() : null,
                group.Attributes,
                roles.Select(r => r.Id).ToList(),
                roles.Select(RolesApi.ToResponse).ToList(),
                inherited,
                children.Select(g => g.Id).ToList(),
                includes.Children ? children.Select(ToRelated).ToList() : null));
        }
        return responses;
    }

    private static RelatedGroup ToRelated(Group group) => new(group.Id, group.Name, group.IsSuperuser, group.Attributes, group.Id);

    public static PartialUser ToPartialUser(User user, string installId) =>
        new(user.Id, user.Username, user.Name, user.IsActive, user.LastLogin, user.Email, user.Attributes, Installation.Uid(user.Id, installId));
}
