using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Warden.Api;
using Warden.Core;
using Warden.Persistence;

namespace Warden.Rbac;

/// <summary>
/// authentik's permission endpoints under <c>/api/v3/rbac/permissions/</c>: the catalogue (rbac.py), a role's
/// object permissions (rbac_roles.py) and the roles holding permissions on a model or object, with the
/// assign/unassign actions (rbac_assigned_by_roles.py).
/// </summary>
public static class PermissionsApi
{
    public const string AssignPermission = "authentik_rbac.assign_role_permissions";
    public const string UnassignPermission = "authentik_rbac.unassign_role_permissions";

    /// <summary>Viewing another role's object permission rows is a permission on ak-guardian's own model.</summary>
    private const string ViewObjectPermissionRows = "guardian.view_roleobjectpermission";

    private const string Tag = "rbac";
    private const string CatalogueDescription = "Read-only list of all permissions, filterable by model and app";
    private const string AssignedDescription = "Get assigned object permissions for a single object";
    private const string InvalidChoice = "Select a valid choice. That choice is not one of the available choices.";

    /// <summary>authentik's SmallerPagination: an explicit page_size is capped at 10.</summary>
    private const int SmallerPageSize = 10;

    private static readonly QueryParameter[] CatalogueParameters =
    [
        new("codename", QueryType.String),
        new("content_type__app_label", QueryType.String),
        new("content_type__model", QueryType.String),
        new("ordering", QueryType.String, "Which field to use when ordering the results."),
        new("page", QueryType.Int, "A page number within the paginated result set."),
        new("page_size", QueryType.Int, "Number of results to return per page."),
        new("role", QueryType.String),
        new("search", QueryType.String, "A search term."),
    ];

    private static readonly QueryParameter[] RolesParameters =
    [
        new("ordering", QueryType.String, "Which field to use when ordering the results."),
        new("page", QueryType.Int, "A page number within the paginated result set."),
        new("page_size", QueryType.Int, "Number of results to return per page."),
        new("search", QueryType.String, "A search term."),
        new("uuid", QueryType.Uuid),
    ];

    private static readonly ListQuery<Role> AssignedQuery = new ListQuery<Role>()
        .Search(r => r.Name)
        .Order("pk", r => r.Id)
        .Order("name", r => r.Name)
        .DefaultOrder("name");

    private static readonly QueryParameter[] AssignedParameters =
    [
        new("model", QueryType.String, Required: true),
        new("object_pk", QueryType.String),
    ];

    public static IEndpointRouteBuilder MapPermissionsApi(this IEndpointRouteBuilder app)
    {
        var permissions = app.MapGroup("/api/v3/rbac/permissions").RequireActor()
            .PathParameter("id", QueryType.Int, "A unique integer value identifying this permission.")
            .PathParameter("uuid", QueryType.Uuid, "A UUID string identifying this Role.");
        permissions.MapGet("/", List)
            .Operation("rbac_permissions_list", Tag, CatalogueDescription)
            .Query(CatalogueParameters)
            .Response<Paginated<PermissionResponse>>();
        permissions.MapGet("/{id}/", Retrieve)
            .Operation("rbac_permissions_retrieve", Tag, CatalogueDescription)
            .Response<PermissionResponse>();
        permissions.MapGet("/roles/", RoleObjectPermissions)
            .Operation("rbac_permissions_roles_list", Tag, "Get a role's assigned object permissions")
            .Query(RolesParameters)
            .Response<Paginated<ExtraRoleObjectPermission>>();
        permissions.MapGet("/assigned_by_roles/", AssignedByRoles)
            .Operation("rbac_permissions_assigned_by_roles_list", Tag, AssignedDescription)
            .Query(AssignedParameters.Concat(AssignedQuery.Parameters))
            .Response<Paginated<RoleAssignedObjectPermission>>();
        permissions.MapPost("/assigned_by_roles/{uuid}/assign/", Assign)
            .Operation("rbac_permissions_assigned_by_roles_assign", Tag,
                "Assign permission(s) to role. When `object_pk` is set, the permissions\nare only assigned to the specific object, otherwise they are assigned globally.")
            .Request<PermissionAssignRequest>()
            .Response<List<PermissionAssignResult>>();
        permissions.MapPatch("/assigned_by_roles/{uuid}/unassign/", Unassign)
            .Operation("rbac_permissions_assigned_by_roles_unassign_partial_update", Tag,
                "Unassign permission(s) to role. When `object_pk` is set, the permissions\nare only assigned to the specific object, otherwise they are assigned globally.")
            .Request<PermissionAssignRequest>(partial: true, required: false)
            .NoContent(description: "Successfully unassigned");
        return app;
    }

    /// <summary>Django's Permission model: its name and codename are model fields, the rest is read-only.</summary>
    [ApiSchema("Permission", Description = "Global permission")]
    public sealed record PermissionResponse(
        [ApiField(ReadOnly = true)] int Id,
        [ApiField(MaxLength = 255)] string Name,
        [ApiField(MaxLength = 100)] string Codename,
        [ApiField(ReadOnly = true)] string Model,
        [ApiField(ReadOnly = true)] string AppLabel,
        [ApiField(ReadOnly = true)] string AppLabelVerbose,
        [ApiField(ReadOnly = true)] string ModelVerbose);

    // The ids are 64-bit in Warden's tables; authentik's serializers declare them plain integers (no format).

    [ApiSchema("RoleObjectPermission", Description = "Role-bound object level permission")]
    public sealed record RoleObjectPermission(
        [ApiField(ReadOnly = true, Format = "")] long Id,
        [ApiField(ReadOnly = true)] string Codename,
        [ApiField(ReadOnly = true)] string Model,
        [ApiField(ReadOnly = true)] string AppLabel,
        string ObjectPk,
        [ApiField(ReadOnly = true)] string Name);

    [ApiSchema("RoleModelPermission", Description = "Role-bound object level permission", ReadOnly = true)]
    public sealed record RoleModelPermission([ApiField(Format = "")] long Id, string Codename, string Model, string AppLabel, string Name);

    [ApiSchema("RoleAssignedObjectPermission", Description = "Roles assigned object permission serializer")]
    public sealed record RoleAssignedObjectPermission(
        [ApiField(ReadOnly = true)] string RolePk,
        [ApiField(ReadOnly = true)] string Name,
        IReadOnlyList<RoleObjectPermission> ObjectPermissions,
        IReadOnlyList<RoleModelPermission> ModelPermissions);

    [ApiSchema("ExtraRoleObjectPermission", Description = "Role permission with additional object-related data")]
    public sealed record ExtraRoleObjectPermission(
        [ApiField(ReadOnly = true, Format = "")] long Id,
        [ApiField(ReadOnly = true)] string Codename,
        [ApiField(ReadOnly = true)] string Model,
        [ApiField(ReadOnly = true)] string AppLabel,
        string ObjectPk,
        [ApiField(ReadOnly = true)] string Name,
        [ApiField(ReadOnly = true)] string AppLabelVerbose,
        [ApiField(ReadOnly = true)] string ModelVerbose,
        [ApiField(ReadOnly = true)] string? ObjectDescription);

    [ApiSchema("PermissionAssignRequest", Description = "Request to assign a new permission")]
    public sealed record PermissionAssignRequest(
        List<string> Permissions,
        [ApiField(EnumName = "ModelEnum", ChoicesFrom = typeof(PermissionCatalog), ChoicesMember = nameof(PermissionCatalog.ModelEnum))]
        string Model = null!,
        [ApiField(MinLength = 1)] string ObjectPk = null!);

    [ApiSchema("PermissionAssignResult", Description = "Result from assigning permissions to a user/role")]
    public sealed record PermissionAssignResult(string Id);

    private static PermissionResponse ToResponse(PermissionDefinition p) =>
        new(p.Id, p.Name, p.Codename, p.Model, p.AppLabel, p.AppLabelVerbose, p.ModelVerbose);

    private static async Task<IResult> List(HttpContext http, WardenDbContext db, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        IEnumerable<PermissionDefinition> items = PermissionCatalog.All;
        if (query["codename"].ToString() is { Length: > 0 } codename)
        {
            items = items.Where(p => p.Codename == codename);
        }
        if (query["content_type__app_label"].ToString() is { Length: > 0 } appLabel)
        {
            items = items.Where(p => p.AppLabel == appLabel);
        }
        if (query["content_type__model"].ToString() is { Length: > 0 } model)
        {
            items = items.Where(p => p.Model == model);
        }
        if (query["role"].ToString() is { Length: > 0 } roleRaw)
        {
            // django-filter's ModelChoiceFilter: a key that names no role is a bad filter value, not an empty list.
            var roleId = Guid.TryParse(roleRaw, out var parsed) ? parsed : (Guid?)null;
            if (roleId is null || !await db.Set<Role>().AnyAsync(r => r.Id == roleId, cancellationToken))
            {
                return ApiErrors.Field("role", InvalidChoice);
            }
            var held = await db.Set<RolePermission>().Where(p => p.RoleId == roleId && p.ObjectPk == null)
                .Select(p => p.Permission).ToListAsync(cancellationToken);
            items = items.Where(p => held.Contains(p.FullName));
        }
        foreach (var term in Terms(query["search"].ToString()))
        {
            items = items.Where(p => Contains(p.Name, term) || Contains(p.Codename, term) || Contains(p.Model, term) || Contains(p.AppLabel, term));
        }
        var ordered = Order(items, query["ordering"].ToString(), new Dictionary<string, Func<PermissionDefinition, IComparable>>(StringComparer.Ordinal)
        {
            ["id"] = p => p.Id,
            ["name"] = p => p.Name.ToUpperInvariant(),
            ["codename"] = p => p.Codename,
            ["content_type__model"] = p => p.Model,
            ["content_type__app_label"] = p => p.AppLabel,
        }, "name").ThenBy(p => p.Id).ToList();
        return PageResult(ordered, http.Request, ToResponse);
    }

    private static IResult Retrieve([FromRoute(Name = "id")] string id)
    {
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return ObjectAccess.NotFound();
        }
        var permission = PermissionCatalog.Find(number);
        return permission is null ? ApiErrors.NotFound("Permission") : TypedResults.Json(ToResponse(permission), ApiJson.Options);
    }

    /// <summary>
    /// A role's object permissions (rbac_roles.py). The rows are ak-guardian's own model, so only a caller holding
    /// its view permission (in practice a superuser) may list them.
    /// </summary>
    private static async Task<IResult> RoleObjectPermissions(HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        var user = http.CurrentUser()!;
        var visible = await access.VisibleAsync(user, ViewObjectPermissionRows,
            db.Set<RolePermission>().AsNoTracking().Where(p => p.ObjectPk != null),
            (q, pks) =>
            {
                var ids = pks.Select(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).ToList();
                return q.Where(p => ids.Contains(p.Id));
            }, cancellationToken);
        if (visible is null)
        {
            return ApiErrors.PermissionDenied();
        }
        var raw = http.Request.Query["uuid"].ToString();
        if (raw.Length == 0)
        {
            return ApiErrors.Field("uuid", "This field is required.");
        }
        if (!Guid.TryParse(raw, out var roleId))
        {
            return ApiErrors.Field("uuid", "Enter a valid UUID.");
        }
        var rows = await visible.Where(p => p.RoleId == roleId).OrderBy(p => p.Id).ToListAsync(cancellationToken);
        var grants = await db.Set<RolePermission>().AsNoTracking().Where(p => p.RoleId == roleId).ToListAsync(cancellationToken);
        var results = new List<ExtraRoleObjectPermission>();
        foreach (var row in rows)
        {
            var definition = Definition(row.Permission);
            // As authentik: the object is only described when the role itself may view it.
            string? description = null;
            var view = $"{definition.AppLabel}.view_{definition.Model}";
            if (grants.Any(g => g.Permission == view && (g.ObjectPk == null || g.ObjectPk == row.ObjectPk)))
            {
                description = (await PermissionObjects.FindAsync(db, definition.ModelLabel, row.ObjectPk!, cancellationToken))?.Name;
            }
            results.Add(new ExtraRoleObjectPermission(row.Id, definition.Codename, definition.Model, definition.AppLabel, row.ObjectPk!,
                definition.Name, definition.AppLabelVerbose, definition.ModelVerbose, description));
        }
        return PageResult(results, http.Request, r => r, SmallerPageSize);
    }

    /// <summary>The roles the caller may view that hold a permission of the model, globally or on the given object.</summary>
    private static async Task<IResult> AssignedByRoles(HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken)
    {
        var user = http.CurrentUser()!;
        var visible = await access.VisibleAsync(user, RolesApi.ViewPermission, db.Set<Role>().AsNoTracking(),
            (q, pks) => ObjectAccess.ByGuid(q, pks, r => r.Id), cancellationToken);
        if (visible is null)
        {
            return ApiErrors.PermissionDenied();
        }
        var model = http.Request.Query["model"].ToString();
        if (model.Length == 0)
        {
            return ApiErrors.Field("model", "This field is required.");
        }
        if (!PermissionCatalog.ModelEnum.Contains(model, StringComparer.Ordinal))
        {
            return ApiErrors.Field("model", $"Select a valid choice. {model} is not one of the available choices.");
        }
        var objectPk = http.Request.Query["object_pk"].ToString();
        var modelPermissions = PermissionCatalog.All.Where(p => p.ModelLabel == model).Select(p => p.FullName).ToList();
        var holders = db.Set<RolePermission>().Where(p => modelPermissions.Contains(p.Permission)
            && (p.ObjectPk == null || (objectPk.Length > 0 && p.ObjectPk == objectPk)));
        var roles = visible.Where(r => holders.Any(h => h.RoleId == r.Id));
        return await AssignedQuery.ToPageAsync(roles, http.Request, async (List<Role> page) =>
        {
            var ids = page.Select(r => r.Id).ToList();
            var grants = await db.Set<RolePermission>().AsNoTracking().Where(p => ids.Contains(p.RoleId))
                .OrderBy(p => p.Id).ToListAsync(cancellationToken);
            return (IReadOnlyList<RoleAssignedObjectPermission>)page.Select(role => new RoleAssignedObjectPermission(
                role.Id.ToString(),
                role.Name,
                grants.Where(g => g.RoleId == role.Id && g.ObjectPk != null).Select(ToObjectPermission).ToList(),
                grants.Where(g => g.RoleId == role.Id && g.ObjectPk == null).Select(ToModelPermission).ToList())).ToList();
        }, cancellationToken);
    }

    private static Task<IResult> Assign(
        [FromRoute(Name = "uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken) =>
        ChangeAsync(id, http, db, access, assign: true, cancellationToken);

    private static Task<IResult> Unassign(
        [FromRoute(Name = "uuid")] string id, HttpContext http, WardenDbContext db, ObjectAccess access, CancellationToken cancellationToken) =>
        ChangeAsync(id, http, db, access, assign: false, cancellationToken);

    /// <summary>
    /// assign (POST) / unassign (PATCH). As authentik: assign_role_permissions / unassign_role_permissions
    /// (globally, or on this role), and, because the action runs under the viewset's object permissions, also
    /// add_role (POST) / change_role (PATCH) on the role. A body that names an object which does not exist is
    /// refused (authentik would silently grant the permission globally instead).
    /// </summary>
    private static async Task<IResult> ChangeAsync(
        string id, HttpContext http, WardenDbContext db, ObjectAccess access, bool assign, CancellationToken cancellationToken)
    {
        var user = http.CurrentUser()!;
        var roleId = Guid.TryParse(id, out var parsed) ? parsed : (Guid?)null;
        var role = roleId is null ? null : await db.Set<Role>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == roleId, cancellationToken);
        var permission = assign ? AssignPermission : UnassignPermission;
        var methodPermission = assign ? RolesApi.AddPermission : RolesApi.ChangePermission;
        if (role is null)
        {
            return roleId is null ? ObjectAccess.NotFound() : ApiErrors.NotFound("Role");
        }
        var rolePk = RolesApi.ObjectPk(role.Id);
        if (!await access.CanAsync(user, permission, rolePk, cancellationToken)
            || !await access.CanAsync(user, methodPermission, rolePk, cancellationToken))
        {
            return ApiErrors.PermissionDenied();
        }
        var body = await ApiBody.ReadAsync<PermissionAssignRequest>(http.Request, BodyMode.Full, cancellationToken);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var (grants, error) = await ResolveAsync(db, body, requireObject: assign, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!assign)
        {
            foreach (var (definition, objectPk) in grants!)
            {
                await db.Set<RolePermission>()
                    .Where(p => p.RoleId == role.Id && p.Permission == definition.FullName && p.ObjectPk == objectPk)
                    .ExecuteDeleteAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return TypedResults.NoContent();
        }
        var results = new List<PermissionAssignResult>();
        foreach (var (definition, objectPk) in grants!)
        {
            var existing = await db.Set<RolePermission>().FirstOrDefaultAsync(
                p => p.RoleId == role.Id && p.Permission == definition.FullName && p.ObjectPk == objectPk, cancellationToken);
            if (existing is null)
            {
                existing = new RolePermission { RoleId = role.Id, Permission = definition.FullName, ObjectPk = objectPk };
                db.Add(existing);
                await db.SaveChangesAsync(cancellationToken);
            }
            results.Add(new PermissionAssignResult(existing.Id.ToString(CultureInfo.InvariantCulture)));
        }
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Json(results, ApiJson.Options);
    }

    /// <summary>
    /// PermissionAssignSerializer: permissions are <c>app_label.codename</c> (global) or, with model and object_pk
    /// (which go together), <c>codename</c> or <c>app_label.codename</c> of that model on that object. Assigning
    /// needs the object to exist; unassigning may name one that is gone, to clean up what was left behind.
    /// </summary>
    private static async Task<(List<(PermissionDefinition Definition, string? ObjectPk)>? Grants, IResult? Error)> ResolveAsync(
        WardenDbContext db, Body<PermissionAssignRequest> body, bool requireObject, CancellationToken cancellationToken)
    {
        var request = body.Value;
        // ApiBody has refused a model outside ModelEnum already.
        if (body.Has("model") != body.Has("object_pk"))
        {
            return (null, ApiErrors.NonField("The fields model, object_pk must be used together."));
        }
        var grants = new List<(PermissionDefinition, string?)>();
        if (!body.Has("model"))
        {
            if (!request.Permissions.All(p => p.Contains('.', StringComparison.Ordinal)))
            {
                return (null, ApiErrors.Field("permissions", "When assigning global permissions, codename must be given as app_label.codename"));
            }
            foreach (var name in request.Permissions)
            {
                var definition = PermissionCatalog.Find(name);
                if (definition is null)
                {
                    return (null, ApiErrors.Field("permissions", $"\"{name}\" is not a valid choice."));
                }
                grants.Add((definition, null));
            }
            return (grants, null);
        }
        var target = await PermissionObjects.FindAsync(db, request.Model, request.ObjectPk, cancellationToken);
        if (target is null && requireObject)
        {
            return (null, new ValidationErrors().InvalidPk("object_pk", request.ObjectPk).ToResult());
        }
        var objectPk = target?.Pk ?? (Guid.TryParse(request.ObjectPk, out var uuid) ? uuid.ToString() : request.ObjectPk);
        var appLabel = request.Model.Split('.')[0];
        foreach (var name in request.Permissions)
        {
            var full = name.Contains('.', StringComparison.Ordinal) ? name : $"{appLabel}.{name}";
            var definition = PermissionCatalog.Find(full);
            if (definition is null || definition.ModelLabel != request.Model)
            {
                return (null, ApiErrors.Field("permissions", $"\"{name}\" is not a valid choice."));
            }
            grants.Add((definition, objectPk));
        }
        return (grants, null);
    }

    private static PermissionDefinition Definition(string fullName)
    {
        if (PermissionCatalog.Find(fullName) is { } known)
        {
            return known;
        }
        // A grant stored before its model left the catalogue: show what the row itself says.
        var (app, codename) = fullName.Split('.', 2) is [var a, var c] ? (a, c) : ("", fullName);
        return new PermissionDefinition(0, app, "", codename, codename);
    }

    private static RoleObjectPermission ToObjectPermission(RolePermission grant)
    {
        var d = Definition(grant.Permission);
        return new RoleObjectPermission(grant.Id, d.Codename, d.Model, d.AppLabel, grant.ObjectPk!, d.Name);
    }

    private static RoleModelPermission ToModelPermission(RolePermission grant)
    {
        var d = Definition(grant.Permission);
        return new RoleModelPermission(grant.Id, d.Codename, d.Model, d.AppLabel, d.Name);
    }

    private static IResult PageResult<T, TResponse>(IReadOnlyList<T> items, HttpRequest request, Func<T, TResponse> map, int maxPageSize = Pager.MaxPageSize)
    {
        var page = Pager.Page(items, request, maxPageSize);
        if (page is null)
        {
            return ApiErrors.Detail(StatusCodes.Status404NotFound, Pager.InvalidPage);
        }
        return TypedResults.Json(new Paginated<TResponse>(page.Value.Pagination, page.Value.Items.Select(map).ToList(), []), ApiJson.Options);
    }

    /// <summary>DRF's SearchFilter terms: whitespace or comma separated, each must match some field.</summary>
    private static IEnumerable<string> Terms(string search) =>
        search.Replace('\0', ' ').Split([' ', ',', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    private static bool Contains(string value, string term) => value.Contains(term, StringComparison.OrdinalIgnoreCase);

    /// <summary>DRF's OrderingFilter over a list: known fields only, <c>-</c> for descending, else the default.</summary>
    private static IOrderedEnumerable<T> Order<T>(IEnumerable<T> items, string ordering, Dictionary<string, Func<T, IComparable>> keys, string fallback)
    {
        var fields = ordering.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(f => keys.ContainsKey(f.TrimStart('-'))).ToList();
        if (fields.Count == 0)
        {
            fields.Add(fallback);
        }
        IOrderedEnumerable<T>? ordered = null;
        foreach (var field in fields)
        {
            var key = keys[field.TrimStart('-')];
            var descending = field.StartsWith('-');
            ordered = ordered is null
                ? (descending ? items.OrderByDescending(key) : items.OrderBy(key))
                : (descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key));
        }
        return ordered!;
    }
}
