using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Warden.Brands;
using Warden.Core;
using Warden.Enterprise;
using Warden.Flows;
using Warden.Persistence;
using Warden.Policies;
using Warden.Stages.Prompt;

namespace Warden.Blueprints;

/// <summary>What applying a blueprint did, entry by entry.</summary>
public sealed record BlueprintResult(int Created, int Updated, int Deleted, int Unchanged, int Skipped);

/// <summary>
/// authentik's blueprint <c>Importer</c>: applies a blueprint's entries in order, inside one transaction, so a blueprint
/// is applied whole or not at all. Each entry's identifiers find the object it describes: found, it is updated with the
/// attributes (<c>state: present</c>), left alone (<c>created</c>) or deleted (<c>absent</c>); not found, it is created
/// from identifiers and attributes together. Applying the same blueprint again therefore changes nothing.
/// </summary>
public sealed partial class BlueprintImporter(WardenDbContext db, LicenseStatus licenses, ILogger<BlueprintImporter> logger)
{
    /// <summary>True only while the licence status is valid (or expiring soon): enterprise objects depend on it.</summary>
    public const string LicensedContextKey = "goauthentik.io/enterprise/licensed";

    /// <summary>
    /// Applies <paramref name="blueprint"/>. <paramref name="context"/> overrides the blueprint's own context defaults
    /// and the computed keys (as authentik's importer merges an instance's context last).
    /// </summary>
    public async Task<BlueprintResult> ApplyAsync(Blueprint blueprint, JsonObject? context = null, CancellationToken cancellationToken = default)
    {
        var merged = blueprint.Context.DeepClone().AsObject();
        // The blueprint's own context may not claim a licence: only the licence status (or the code applying it) decides.
        merged[LicensedContextKey] = await licenses.IsValidAsync(cancellationToken);
        foreach (var (key, value) in context ?? [])
        {
            merged[key] = value?.DeepClone();
        }

        var run = new Run(db, merged);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            foreach (var entry in blueprint.Entries)
            {
                await run.ApplyAsync(entry, cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
        var result = new BlueprintResult(run.Created, run.Updated, run.Deleted, run.Unchanged, run.Skipped);
        LogApplied(logger, blueprint.Name, result.Created, result.Updated, result.Deleted, result.Unchanged, result.Skipped);
        return result;
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information,
        Message = "Blueprint \"{Name}\" applied: {Created} created, {Updated} updated, {Deleted} deleted, {Unchanged} unchanged, {Skipped} skipped")]
    private static partial void LogApplied(ILogger logger, string name, int created, int updated, int deleted, int unchanged, int skipped);

    /// <summary>One application: the context, and the primary keys of the entries applied so far by id (for <c>!KeyOf</c>).</summary>
    private sealed class Run(WardenDbContext db, JsonObject context)
    {
        private readonly Dictionary<string, JsonNode?> _ids = new(StringComparer.Ordinal);

        public int Created { get; private set; }
        public int Updated { get; private set; }
        public int Deleted { get; private set; }
        public int Unchanged { get; private set; }
        public int Skipped { get; private set; }

        public async Task ApplyAsync(BlueprintEntry entry, CancellationToken cancellationToken)
        {
            var where = $"Entry {entry.Index + 1} ({entry.Model}{(entry.Id is null ? "" : $", id {entry.Id}")})";
            try
            {
                await ApplyCoreAsync(entry, where, cancellationToken);
            }
            catch (BlueprintException)
            {
                throw;
            }
            catch (DbUpdateException ex)
            {
                throw new BlueprintException($"{where}: the object could not be saved: {ex.InnerException?.Message ?? ex.Message}", ex);
            }
        }

        private async Task ApplyCoreAsync(BlueprintEntry entry, string where, CancellationToken cancellationToken)
        {
            foreach (var condition in entry.Conditions)
            {
                if (!Truthy(await ResolveAsync(condition, where, cancellationToken)))
                {
                    Skipped++;
                    return;
                }
            }
            var model = BlueprintModels.Find(entry.Model)
                ?? throw new BlueprintException($"{where}: unknown model \"{entry.Model}\". Supported: {string.Join(", ", BlueprintModels.All.Select(m => m.Name))}.");
            var identifiers = await ResolveFieldsAsync(model, entry.Identifiers, where, "identifier", cancellationToken);
            var attrs = await ResolveFieldsAsync(model, entry.Attrs, where, "attribute", cancellationToken);
            foreach (var (name, _) in identifiers)
            {
                if (model.Field(name)!.Kind == BlueprintFieldKind.ReferenceList)
                {
                    throw new BlueprintException($"{where}: \"{name}\" cannot identify an object.");
                }
            }

            var existing = await FindAsync(model, identifiers, where, cancellationToken);
            if (entry.State == "absent")
            {
                if (existing is not null)
                {
                    db.Remove(existing);
                    await db.SaveChangesAsync(cancellationToken);
                    Deleted++;
                }
                else
                {
                    Unchanged++;
                }
                return;
            }
            if (existing is not null && entry.State == "created")
            {
                Remember(entry, model, existing);
                Unchanged++;
                return;
            }

            var target = existing ?? Activator.CreateInstance(model.Entity)!;
            var values = new Dictionary<string, JsonNode?>(identifiers, StringComparer.Ordinal);
            foreach (var (name, value) in attrs)
            {
                values[name] = value;
            }
            if (existing is null)
            {
                foreach (var field in model.Fields.Where(f => f.Required && !values.ContainsKey(f.Name)))
                {
                    throw new BlueprintException($"{where}: \"{field.Name}\" is required to create this object.");
                }
            }
            foreach (var (name, value) in values)
            {
                await SetAsync(model, model.Field(name)!, target, value, $"{where}: \"{name}\"", cancellationToken);
            }
            await ValidateAsync(target, where, cancellationToken);
            if (existing is null)
            {
                db.Add(target);
                Created++;
            }
            else if (db.ChangeTracker.HasChanges())
            {
                Updated++;
            }
            else
            {
                Unchanged++;
            }
            await db.SaveChangesAsync(cancellationToken);
            Remember(entry, model, target);
        }

        private void Remember(BlueprintEntry entry, BlueprintModel model, object instance)
        {
            if (entry.Id is not null)
            {
                _ids[entry.Id] = KeyOf(model.Entity, instance);
            }
        }

        private static JsonNode? KeyOf(Type entity, object instance) => entity.GetProperty("Id")!.GetValue(instance) switch
        {
            Guid g => JsonValue.Create(g.ToString()),
            int i => JsonValue.Create(i),
            var other => JsonValue.Create(other?.ToString()),
        };

        private async Task<Dictionary<string, JsonNode?>> ResolveFieldsAsync(
            BlueprintModel model, BlueprintValue.Mapping mapping, string where, string what, CancellationToken cancellationToken)
        {
            var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var (name, value) in mapping.Pairs)
            {
                if (model.Field(name) is null)
                {
                    throw new BlueprintException($"{where}: unknown {what} \"{name}\" for {model.Name} (known: {string.Join(", ", model.Fields.Select(f => f.Name))}).");
                }
                result[name] = await ResolveAsync(value, $"{where}: \"{name}\"", cancellationToken);
            }
            return result;
        }

        /// <summary>Resolves tags into plain data.</summary>
        private async Task<JsonNode?> ResolveAsync(BlueprintValue value, string where, CancellationToken cancellationToken)
        {
            switch (value)
            {
                case BlueprintValue.Scalar s:
                    return s.Value?.DeepClone();
                case BlueprintValue.Sequence s:
                {
                    var array = new JsonArray();
                    foreach (var item in s.Items)
                    {
                        array.Add(await ResolveAsync(item, where, cancellationToken));
                    }
                    return array;
                }
                case BlueprintValue.Mapping m:
                {
                    var obj = new JsonObject();
                    foreach (var (key, item) in m.Pairs)
                    {
                        obj[key] = await ResolveAsync(item, where, cancellationToken);
                    }
                    return obj;
                }
                case BlueprintValue.Tagged t:
                    return await ResolveTagAsync(t, $"{where}: !{t.Tag} (line {t.Start.Line})", cancellationToken);
                default:
                    return null;
            }
        }

        private async Task<JsonNode?> ResolveTagAsync(BlueprintValue.Tagged tag, string where, CancellationToken cancellationToken)
        {
            switch (tag.Tag)
            {
                case "KeyOf":
                {
                    var id = tag.Argument is BlueprintValue.Scalar { Value: JsonValue v } ? Text(v) : throw new BlueprintException($"{where}: expects the id of an earlier entry.");
                    return _ids.TryGetValue(id, out var pk)
                        ? pk?.DeepClone()
                        : throw new BlueprintException($"{where}: no entry with id \"{id}\" was applied before this one.");
                }
                case "Context":
                {
                    var (key, fallback) = tag.Argument switch
                    {
                        BlueprintValue.Scalar { Value: JsonValue v } => (Text(v), null),
                        BlueprintValue.Sequence { Items.Count: 2 } s when s.Items[0] is BlueprintValue.Scalar { Value: JsonValue k } =>
                            (Text(k), await ResolveAsync(s.Items[1], where, cancellationToken)),
                        _ => throw new BlueprintException($"{where}: expects a context key, or [key, default]."),
                    };
                    return context.TryGetPropertyValue(key, out var found) ? found?.DeepClone() : fallback;
                }
                case "Find":
                    return await FindTagAsync(tag, where, cancellationToken);
                case "If":
                {
                    if (tag.Argument is not BlueprintValue.Sequence { Items.Count: >= 1 and <= 3 } s)
                    {
                        throw new BlueprintException($"{where}: expects [condition, when true, when false].");
                    }
                    var condition = Truthy(await ResolveAsync(s.Items[0], where, cancellationToken));
                    if (condition)
                    {
                        return s.Items.Count > 1 ? await ResolveAsync(s.Items[1], where, cancellationToken) : JsonValue.Create(true);
                    }
                    return s.Items.Count > 2 ? await ResolveAsync(s.Items[2], where, cancellationToken) : JsonValue.Create(false);
                }
                case "Condition":
                {
                    if (tag.Argument is not BlueprintValue.Sequence { Items.Count: >= 2 } s || s.Items[0] is not BlueprintValue.Scalar { Value: JsonValue modeValue })
                    {
                        throw new BlueprintException($"{where}: expects [AND|NAND|OR|NOR|XOR|XNOR, value, ...].");
                    }
                    var values = new List<bool>();
                    foreach (var item in s.Items.Skip(1))
                    {
                        values.Add(Truthy(await ResolveAsync(item, where, cancellationToken)));
                    }
                    var trues = values.Count(v => v);
                    return JsonValue.Create(Text(modeValue).ToUpperInvariant() switch
                    {
                        "AND" => trues == values.Count,
                        "NAND" => trues != values.Count,
                        "OR" => trues > 0,
                        "NOR" => trues == 0,
                        "XOR" => trues % 2 == 1,
                        "XNOR" => trues % 2 == 0,
                        var mode => throw new BlueprintException($"{where}: unknown mode \"{mode}\"."),
                    });
                }
                case "Format":
                {
                    if (tag.Argument is not BlueprintValue.Sequence { Items.Count: >= 1 } s
                        || await ResolveAsync(s.Items[0], where, cancellationToken) is not JsonValue format || !format.TryGetValue<string>(out var text))
                    {
                        throw new BlueprintException($"{where}: expects [format string, value, ...].");
                    }
                    var args = new List<string>();
                    foreach (var item in s.Items.Skip(1))
                    {
                        args.Add(await ResolveAsync(item, where, cancellationToken) is { } node ? Text(node) : "None");
                    }
                    var parts = text.Split("%s");
                    if (parts.Length - 1 != args.Count)
                    {
                        throw new BlueprintException($"{where}: the format has {parts.Length - 1} %s but {args.Count} values were given.");
                    }
                    return JsonValue.Create(string.Concat(parts.Select((p, i) => i < args.Count ? p + args[i] : p)));
                }
                default:
                    throw new BlueprintException($"{where}: unsupported tag.");
            }
        }

        /// <summary><c>!Find [model, [field, value], ...]</c>: the primary key of the first matching object, or null.</summary>
        private async Task<JsonNode?> FindTagAsync(BlueprintValue.Tagged tag, string where, CancellationToken cancellationToken)
        {
            if (tag.Argument is not BlueprintValue.Sequence { Items.Count: >= 2 } s || s.Items[0] is not BlueprintValue.Scalar { Value: JsonValue modelName })
            {
                throw new BlueprintException($"{where}: expects [model, [field, value], ...].");
            }
            var model = BlueprintModels.Find(Text(modelName)) ?? throw new BlueprintException($"{where}: unknown model \"{Text(modelName)}\".");
            var query = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var pair in s.Items.Skip(1))
            {
                if (pair is not BlueprintValue.Sequence { Items.Count: 2 } kv || kv.Items[0] is not BlueprintValue.Scalar { Value: JsonValue field })
                {
                    throw new BlueprintException($"{where}: each query must be [field, value].");
                }
                var name = Text(field);
                if (model.Field(name) is not { Kind: not BlueprintFieldKind.ReferenceList })
                {
                    throw new BlueprintException($"{where}: unknown field \"{name}\" for {model.Name}.");
                }
                query[name] = await ResolveAsync(kv.Items[1], where, cancellationToken);
            }
            var found = await FindAsync(model, query, where, cancellationToken);
            return found is null ? null : KeyOf(model.Entity, found);
        }

        private static readonly MethodInfo FindGeneric = typeof(Run).GetMethod(nameof(FindTypedAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;

        private Task<object?> FindAsync(BlueprintModel model, Dictionary<string, JsonNode?> identifiers, string where, CancellationToken cancellationToken) =>
            (Task<object?>)FindGeneric.MakeGenericMethod(model.Entity).Invoke(this, [model, identifiers, where, cancellationToken])!;

        private async Task<object?> FindTypedAsync<T>(BlueprintModel model, Dictionary<string, JsonNode?> identifiers, string where, CancellationToken cancellationToken)
            where T : class
        {
            IQueryable<T> query = db.Set<T>();
            foreach (var field in model.Fields.Where(f => f.Kind == BlueprintFieldKind.ReferenceList))
            {
                query = query.Include(field.Property);
            }
            var x = Expression.Parameter(typeof(T), "x");
            foreach (var (name, value) in identifiers)
            {
                var field = model.Field(name)!;
                var label = $"{where}: \"{name}\"";
                Expression test;
                if (field.Kind == BlueprintFieldKind.PolicyTarget)
                {
                    var id = Expression.Constant((Guid?)ReadGuid(value, label), typeof(Guid?));
                    test = Expression.OrElse(
                        Expression.Equal(Expression.Property(x, nameof(PolicyBinding.TargetFlowId)), id),
                        Expression.Equal(Expression.Property(x, nameof(PolicyBinding.TargetBindingId)), id));
                }
                else
                {
                    var property = model.Property(field);
                    var constant = Convert(field, property.PropertyType, value, label);
                    test = Expression.Equal(Expression.Property(x, property), Expression.Constant(constant, property.PropertyType));
                }
                query = query.Where(Expression.Lambda<Func<T, bool>>(test, x));
            }
            return await query.FirstOrDefaultAsync(cancellationToken);
        }

        private async Task SetAsync(BlueprintModel model, BlueprintField field, object target, JsonNode? value, string where, CancellationToken cancellationToken)
        {
            switch (field.Kind)
            {
                case BlueprintFieldKind.PolicyTarget:
                {
                    var id = ReadGuid(value, where);
                    var binding = (PolicyBinding)target;
                    if (await db.Set<Flow>().AnyAsync(f => f.Id == id, cancellationToken))
                    {
                        (binding.TargetFlowId, binding.TargetBindingId) = (id, null);
                    }
                    else if (await db.Set<FlowStageBinding>().AnyAsync(b => b.Id == id, cancellationToken))
                    {
                        (binding.TargetFlowId, binding.TargetBindingId) = (null, id);
                    }
                    else
                    {
                        throw new BlueprintException($"{where}: no flow or flow stage binding has the key {id}.");
                    }
                    return;
                }
                case BlueprintFieldKind.ReferenceList:
                {
                    if (value is not JsonArray items)
                    {
                        throw new BlueprintException($"{where}: expects a list of keys.");
                    }
                    var ids = items.Select((item, i) => ReadGuid(item, $"{where}[{i}]")).Distinct().ToList();
                    var loaded = await LoadAllAsync(field.Refers!, ids, cancellationToken);
                    if (loaded.Count != ids.Count)
                    {
                        var missing = ids.First(id => !loaded.Any(o => (Guid)o.GetType().GetProperty("Id")!.GetValue(o)! == id));
                        throw new BlueprintException($"{where}: Invalid pk \"{missing}\" - object does not exist.");
                    }
                    var list = (System.Collections.IList)model.Property(field).GetValue(target)!;
                    var same = list.Count == loaded.Count && loaded.All(list.Contains);
                    if (!same)
                    {
                        list.Clear();
                        foreach (var item in loaded)
                        {
                            list.Add(item);
                        }
                    }
                    return;
                }
                case BlueprintFieldKind.Reference:
                {
                    var property = model.Property(field);
                    var converted = Convert(field, property.PropertyType, value, where);
                    if (converted is not null && !await ExistsAsync(field.Refers!, converted, cancellationToken))
                    {
                        throw new BlueprintException($"{where}: Invalid pk \"{converted}\" - object does not exist.");
                    }
                    SetIfChanged(property, target, converted);
                    return;
                }
                default:
                {
                    var property = model.Property(field);
                    SetIfChanged(property, target, Convert(field, property.PropertyType, value, where));
                    return;
                }
            }
        }

        private static void SetIfChanged(PropertyInfo property, object target, object? value)
        {
            var current = property.GetValue(target);
            if (current is List<string> a && value is List<string> b ? a.SequenceEqual(b) : Equals(current, value))
            {
                return;
            }
            property.SetValue(target, value);
        }

        /// <summary>Reads a value for an entity property, with the serializer's checks (type, blank, pattern, choices, null).</summary>
        private static object? Convert(BlueprintField field, Type type, JsonNode? value, string where)
        {
            if (value is null)
            {
                if (field.Nullable)
                {
                    return null;
                }
                throw new BlueprintException($"{where}: This field may not be null.");
            }
            switch (field.Kind)
            {
                case BlueprintFieldKind.String:
                {
                    if (value is not JsonValue v || v.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number))
                    {
                        throw new BlueprintException($"{where}: Not a valid string.");
                    }
                    var text = Text(v);
                    CheckString(field, text, where);
                    return text;
                }
                case BlueprintFieldKind.Bool:
                    return value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                        ? b.GetValue<bool>()
                        : throw new BlueprintException($"{where}: Must be a valid boolean.");
                case BlueprintFieldKind.Int:
                    return value is JsonValue i && i.TryGetValue<long>(out var n) && n is >= int.MinValue and <= int.MaxValue
                        ? (int)n
                        : throw new BlueprintException($"{where}: A valid integer is required.");
                case BlueprintFieldKind.StringList:
                {
                    if (value is not JsonArray array)
                    {
                        throw new BlueprintException($"{where}: Expected a list of items but got type \"{Python(value)}\".");
                    }
                    var list = new List<string>();
                    foreach (var item in array)
                    {
                        if (item is not JsonValue s || s.GetValueKind() != JsonValueKind.String)
                        {
                            throw new BlueprintException($"{where}: Not a valid string.");
                        }
                        CheckString(field, s.GetValue<string>(), where);
                        list.Add(s.GetValue<string>());
                    }
                    return list;
                }
                case BlueprintFieldKind.Reference:
                {
                    var underlying = Nullable.GetUnderlyingType(type) ?? type;
                    if (underlying == typeof(int))
                    {
                        return value is JsonValue pk && pk.TryGetValue<long>(out var number) && number is >= int.MinValue and <= int.MaxValue
                            ? (int)number
                            : throw new BlueprintException($"{where}: Incorrect type. Expected pk value, received {Python(value)}.");
                    }
                    return ReadGuid(value, where);
                }
                default:
                    throw new BlueprintException($"{where}: cannot be used here.");
            }
        }

        private static void CheckString(BlueprintField field, string text, string where)
        {
            if (field.Choices is { } choices && !choices.Contains(text, StringComparer.Ordinal))
            {
                throw new BlueprintException($"{where}: \"{text}\" is not a valid choice (one of {string.Join(", ", choices)}).");
            }
            if (!field.AllowBlank && text.Trim().Length == 0)
            {
                throw new BlueprintException($"{where}: This field may not be blank.");
            }
            if (!BlueprintModels.Matches(field, text))
            {
                throw new BlueprintException($"{where}: \"{text}\" does not match {field.Pattern}.");
            }
        }

        private static Guid ReadGuid(JsonNode? value, string where) =>
            value is JsonValue v && v.TryGetValue<string>(out var s) && Guid.TryParse(s, out var g)
                ? g
                : throw new BlueprintException($"{where}: \"{value?.ToJsonString() ?? "null"}\" is not a valid UUID (a missing object? !Find answers null when nothing matches).");

        private async Task<bool> ExistsAsync(Type entity, object key, CancellationToken cancellationToken) => entity switch
        {
            _ when entity == typeof(Flow) => await db.Set<Flow>().AnyAsync(f => f.Id == (Guid)key, cancellationToken),
            _ when entity == typeof(Stage) => await db.Set<Stage>().AnyAsync(s => s.Id == (Guid)key, cancellationToken),
            _ when entity == typeof(Stages.Password.PasswordStage) => await db.Set<Stages.Password.PasswordStage>().AnyAsync(s => s.Id == (Guid)key, cancellationToken),
            _ when entity == typeof(Policy) => await db.Set<Policy>().AnyAsync(p => p.Id == (Guid)key, cancellationToken),
            _ when entity == typeof(Core.Group) => await db.Groups.AnyAsync(g => g.Id == (Guid)key, cancellationToken),
            _ when entity == typeof(User) => await db.Users.AnyAsync(u => u.Id == (int)key, cancellationToken),
            _ => throw new InvalidOperationException($"No lookup for {entity.Name}."),
        };

        private async Task<List<object>> LoadAllAsync(Type entity, List<Guid> ids, CancellationToken cancellationToken) => entity switch
        {
            _ when entity == typeof(Prompt) => [.. await db.Set<Prompt>().Where(p => ids.Contains(p.Id)).ToListAsync(cancellationToken)],
            _ when entity == typeof(Policy) => [.. await db.Set<Policy>().Where(p => ids.Contains(p.Id)).ToListAsync(cancellationToken)],
            _ => throw new InvalidOperationException($"No list lookup for {entity.Name}."),
        };

        /// <summary>The unique rules the database would enforce, as clear messages instead of a failed save.</summary>
        private async Task ValidateAsync(object target, string where, CancellationToken cancellationToken)
        {
            switch (target)
            {
                case Stage stage when await db.Set<Stage>().AnyAsync(s => s.Name == stage.Name && s.Id != stage.Id, cancellationToken):
                    throw new BlueprintException($"{where}: a stage named \"{stage.Name}\" already exists (stage names are unique across all stage types).");
                case Policy policy when await db.Set<Policy>().AnyAsync(p => p.Name == policy.Name && p.Id != policy.Id, cancellationToken):
                    throw new BlueprintException($"{where}: a policy named \"{policy.Name}\" already exists (policy names are unique across all policy types).");
                case Prompt prompt when await db.Set<Prompt>().AnyAsync(p => p.Name == prompt.Name && p.Id != prompt.Id, cancellationToken):
                    throw new BlueprintException($"{where}: a prompt named \"{prompt.Name}\" already exists.");
                case Flow flow when await db.Set<Flow>().AnyAsync(f => f.Slug == flow.Slug && f.Id != flow.Id, cancellationToken):
                    throw new BlueprintException($"{where}: a flow with the slug \"{flow.Slug}\" already exists.");
                case FlowStageBinding binding when await db.Set<FlowStageBinding>().AnyAsync(
                        b => b.TargetId == binding.TargetId && b.StageId == binding.StageId && b.Order == binding.Order && b.Id != binding.Id, cancellationToken):
                    throw new BlueprintException($"{where}: this stage is already bound to this flow at order {binding.Order}.");
                case PolicyBinding binding when new object?[] { binding.PolicyId, binding.GroupId, binding.UserId }.Count(v => v is not null) != 1:
                    throw new BlueprintException($"{where}: exactly one of \"policy\", \"group\" or \"user\" must be set.");
                case Brand brand when await db.Brands.AnyAsync(b => b.Domain == brand.Domain && b.Id != brand.Id, cancellationToken):
                    throw new BlueprintException($"{where}: a brand with the domain \"{brand.Domain}\" already exists.");
                case Brand { Default: true } brand when await db.Brands.AnyAsync(b => b.Default && b.Id != brand.Id, cancellationToken):
                    throw new BlueprintException($"{where}: Only a single brand can be set as default.");
            }
        }

        public static bool Truthy(JsonNode? node) => node switch
        {
            null => false,
            JsonArray a => a.Count > 0,
            JsonObject o => o.Count > 0,
            JsonValue v => v.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.String => v.GetValue<string>().Length > 0,
                JsonValueKind.Number => double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) != 0,
                _ => false,
            },
            _ => false,
        };

        private static string Text(JsonNode node) => node is JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : node is JsonValue n && n.GetValueKind() == JsonValueKind.Number ? n.ToJsonString() : node.ToJsonString();

        private static string Python(JsonNode? node) => Api.ApiBody.PythonType(node);
    }

    /// <summary>Python's truthiness of a resolved value, as conditions use it.</summary>
    public static bool Truthy(JsonNode? node) => Run.Truthy(node);
}
