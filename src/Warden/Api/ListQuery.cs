using System.Globalization;
using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Warden.Api;

/// <summary>The type of a list query parameter, for parsing and for the OpenAPI document.</summary>
public enum QueryType
{
    String,
    Bool,
    Int,
    Uuid,
    DateTime,
    StringArray,
    UuidArray,
    IntArray,
}

/// <summary>
/// A query parameter (of a list endpoint, or of any operation through <c>.Query(...)</c>); <see cref="Choices"/>
/// with <see cref="EnumName"/> documents an authentik enum component, <see cref="Required"/> a parameter the
/// operation cannot do without. An array parameter is repeated (<c>?pk=1&amp;pk=2</c>); <see cref="DeclareStyle"/> says
/// whether the document spells that out as <c>style: form, explode: true</c>, as drf-spectacular does for
/// django-filter's multiple-choice filters but not for a serializer's list field (OpenAPI's defaults mean the same).
/// </summary>
public sealed record QueryParameter(
    string Name, QueryType Type, string? Description = null, string? EnumName = null, string[]? Choices = null, bool Required = false,
    bool DeclareStyle = true);

/// <summary>
/// One viewset's list behaviour: exact-match filters, <c>search</c> over text fields, <c>ordering</c>
/// (comma-separated, <c>-</c> for descending; unknown names are ignored as DRF does) and pagination.
/// Built once per viewset; its parameters also feed the OpenAPI document.
/// </summary>
public sealed class ListQuery<T> where T : class
{
    private readonly List<(QueryParameter Parameter, Func<IQueryable<T>, string[], IQueryable<T>?> Apply)> _filters = [];
    private readonly Dictionary<string, LambdaExpression> _orderings = new(StringComparer.Ordinal);
    private readonly List<Expression<Func<T, string>>> _search = [];
    private string[] _defaultOrdering = [];

    public IEnumerable<QueryParameter> Parameters =>
        _filters.Select(f => f.Parameter)
            .Concat([new QueryParameter("ordering", QueryType.String, "Which field to use when ordering the results.")])
            .Concat([new QueryParameter("page", QueryType.Int, "A page number within the paginated result set.")])
            .Concat([new QueryParameter("page_size", QueryType.Int, "Number of results to return per page.")])
            .Concat(_search.Count > 0 ? [new QueryParameter("search", QueryType.String, "A search term.")] : []);

    public ListQuery<T> Filter<TValue>(string name, Expression<Func<T, TValue>> property, string? description = null)
    {
        var type = typeof(TValue);
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        var queryType = underlying == typeof(bool) ? QueryType.Bool
            : underlying == typeof(int) ? QueryType.Int
            : underlying == typeof(Guid) ? QueryType.Uuid
            : underlying == typeof(DateTime) ? QueryType.DateTime
            : QueryType.String;
        _filters.Add((new QueryParameter(name, queryType, description), (q, values) =>
        {
            var raw = values[0];
            object? value;
            if (underlying == typeof(string))
            {
                value = raw;
            }
            else if (underlying == typeof(bool))
            {
                // django-filter's BooleanFilter ignores values it cannot read.
                value = raw switch { "true" or "True" or "1" => true, "false" or "False" or "0" => false, _ => null };
                if (value is null) return q;
            }
            else if (underlying == typeof(int))
            {
                if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)) return null;
                value = i;
            }
            else if (underlying == typeof(Guid))
            {
                if (!Guid.TryParse(raw, out var g)) return null;
                value = g;
            }
            else if (underlying == typeof(DateTime))
            {
                if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)) return null;
                value = d.UtcDateTime;
            }
            else
            {
                value = raw;
            }
            var parameter = property.Parameters[0];
            var body = Expression.Equal(property.Body, Expression.Constant(value, type));
            return q.Where(Expression.Lambda<Func<T, bool>>(body, parameter));
        }));
        return this;
    }

    /// <summary>A filter with its own logic; return null to reject the value with a 400.</summary>
    public ListQuery<T> Filter(QueryParameter parameter, Func<IQueryable<T>, string[], IQueryable<T>?> apply)
    {
        _filters.Add((parameter, apply));
        return this;
    }

    public ListQuery<T> Search(params Expression<Func<T, string>>[] fields)
    {
        _search.AddRange(fields);
        return this;
    }

    public ListQuery<T> Order<TKey>(string name, Expression<Func<T, TKey>> key)
    {
        _orderings[name] = key;
        return this;
    }

    public ListQuery<T> DefaultOrder(params string[] fields)
    {
        _defaultOrdering = fields;
        return this;
    }

    /// <summary>Filters, searches and orders; on a bad filter value returns the 400 to send.</summary>
    public (IQueryable<T>? Query, IResult? Error) Apply(IQueryable<T> query, HttpRequest request)
    {
        var errors = new ValidationErrors();
        foreach (var (parameter, apply) in _filters)
        {
            var values = request.Query[parameter.Name];
            if (values.Count == 0 || (values.Count == 1 && string.IsNullOrEmpty(values[0])))
            {
                continue;
            }
            var next = apply(query, values.Where(v => v is not null).Select(v => v!).ToArray());
            if (next is null)
            {
                errors.Add(parameter.Name, parameter.Choices is not null
                    ? $"Select a valid choice. {values.FirstOrDefault(v => !parameter.Choices.Contains(v, StringComparer.Ordinal))} is not one of the available choices."
                    : parameter.Type switch
                {
                    QueryType.Uuid or QueryType.UuidArray => "Enter a valid UUID.",
                    QueryType.Int or QueryType.IntArray => "Enter a number.",
                    QueryType.DateTime => "Enter a valid date/time.",
                    _ => "Select a valid choice.",
                });
                continue;
            }
            query = next;
        }
        if (!errors.IsValid)
        {
            return (null, errors.ToResult());
        }
        var search = request.Query["search"].ToString();
        if (_search.Count > 0 && !string.IsNullOrWhiteSpace(search))
        {
            foreach (var term in search.Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                query = query.Where(AnyContains(term));
            }
        }
        return (ApplyOrdering(query, request.Query["ordering"].ToString()), null);
    }

    private Expression<Func<T, bool>> AnyContains(string term)
    {
        var parameter = Expression.Parameter(typeof(T), "x");
        var lowered = term.ToLowerInvariant();
        Expression? body = null;
        var toLower = typeof(string).GetMethod(nameof(string.ToLower), Type.EmptyTypes)!;
        var contains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
        foreach (var field in _search)
        {
            var access = new ParameterReplacer(field.Parameters[0], parameter).Visit(field.Body);
            var test = Expression.Call(Expression.Call(access, toLower), contains, Expression.Constant(lowered));
            body = body is null ? test : Expression.OrElse(body, test);
        }
        return Expression.Lambda<Func<T, bool>>(body!, parameter);
    }

    private IQueryable<T> ApplyOrdering(IQueryable<T> query, string ordering)
    {
        var requested = ordering.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(f => _orderings.ContainsKey(f.TrimStart('-'))).ToArray();
        var fields = requested.Length > 0 ? requested : _defaultOrdering;
        IOrderedQueryable<T>? ordered = null;
        foreach (var f in fields)
        {
            var descending = f.StartsWith('-');
            if (!_orderings.TryGetValue(f.TrimStart('-'), out var key))
            {
                continue;
            }
            var method = (ordered is null, descending) switch
            {
                (true, false) => nameof(Queryable.OrderBy),
                (true, true) => nameof(Queryable.OrderByDescending),
                (false, false) => nameof(Queryable.ThenBy),
                (false, true) => nameof(Queryable.ThenByDescending),
            };
            var source = (Expression?)ordered?.Expression ?? query.Expression;
            var call = Expression.Call(typeof(Queryable), method, [typeof(T), key.ReturnType], source, Expression.Quote(key));
            ordered = (IOrderedQueryable<T>)query.Provider.CreateQuery<T>(call);
        }
        return ordered ?? query;
    }

    /// <summary>Filter, search, order and page, then map each row: the whole list endpoint in one call.</summary>
    public async Task<IResult> ToPageAsync<TResponse>(
        IQueryable<T> query, HttpRequest request, Func<T, TResponse> map, CancellationToken cancellationToken)
    {
        var (filtered, error) = Apply(query, request);
        if (error is not null)
        {
            return error;
        }
        var page = await Pager.PageAsync(filtered!, request, cancellationToken);
        if (page is null)
        {
            return ApiErrors.Detail(StatusCodes.Status404NotFound, Pager.InvalidPage);
        }
        return TypedResults.Json(
            new Paginated<TResponse>(page.Value.Pagination, page.Value.Items.Select(map).ToList(), []),
            ApiJson.Options);
    }

    /// <summary>As <see cref="ToPageAsync{TResponse}(IQueryable{T}, HttpRequest, Func{T, TResponse}, CancellationToken)"/> with an async mapping of the whole page.</summary>
    public async Task<IResult> ToPageAsync<TResponse>(
        IQueryable<T> query, HttpRequest request, Func<List<T>, Task<IReadOnlyList<TResponse>>> mapPage, CancellationToken cancellationToken)
    {
        var (filtered, error) = Apply(query, request);
        if (error is not null)
        {
            return error;
        }
        var page = await Pager.PageAsync(filtered!, request, cancellationToken);
        if (page is null)
        {
            return ApiErrors.Detail(StatusCodes.Status404NotFound, Pager.InvalidPage);
        }
        return TypedResults.Json(
            new Paginated<TResponse>(page.Value.Pagination, await mapPage(page.Value.Items), []),
            ApiJson.Options);
    }

    private sealed class ParameterReplacer(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
