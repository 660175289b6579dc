using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Warden.Api;

/// <summary>authentik's pagination block; <c>next</c> and <c>previous</c> are page numbers, 0 when absent.</summary>
public sealed record Pagination(int Next, int Previous, int Count, int Current, int TotalPages, int StartIndex, int EndIndex);

/// <summary>authentik's paginated list body.</summary>
public sealed record Paginated<T>(Pagination Pagination, IReadOnlyList<T> Results, Dictionary<string, object> Autocomplete);

/// <summary>
/// Page-number pagination as authentik configures Django REST framework: <c>page</c>, <c>page_size</c>
/// (default 20, capped at 100; an invalid size falls back to the default), 404 <c>Invalid page.</c> for a page
/// that is not a positive number within range.
/// </summary>
public static class Pager
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const string InvalidPage = "Invalid page.";

    public static int PageSize(HttpRequest request)
    {
        var raw = request.Query["page_size"].ToString();
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0)
        {
            return Math.Min(size, MaxPageSize);
        }
        return DefaultPageSize;
    }

    /// <summary>
    /// Pages an ordered in-memory list (a catalogue, or rows already loaded); null means the page does not exist.
    /// <paramref name="maxPageSize"/> is authentik's smaller pagination cap, applied to an explicit page_size only.
    /// </summary>
    public static (List<T> Items, Pagination Pagination)? Page<T>(IReadOnlyList<T> items, HttpRequest request, int maxPageSize = MaxPageSize)
    {
        var raw = request.Query["page_size"].ToString();
        var size = int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var requested) && requested > 0
            ? Math.Min(requested, maxPageSize)
            : DefaultPageSize;
        var count = items.Count;
        var totalPages = Math.Max(1, (int)Math.Ceiling(count / (double)size));
        var rawPage = request.Query["page"].ToString();
        int page;
        if (string.IsNullOrEmpty(rawPage))
        {
            page = 1;
        }
        else if (rawPage == "last")
        {
            page = totalPages;
        }
        else if (!int.TryParse(rawPage, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1 || page > totalPages)
        {
            return null;
        }
        var slice = items.Skip((page - 1) * size).Take(size).ToList();
        return (slice, new Pagination(
            Next: page < totalPages ? page + 1 : 0,
            Previous: page > 1 ? page - 1 : 0,
            Count: count,
            Current: page,
            TotalPages: totalPages,
            StartIndex: count == 0 ? 0 : ((page - 1) * size) + 1,
            EndIndex: page == totalPages ? count : page * size));
    }

    /// <summary>Pages an ordered query; null means the page does not exist (answer 404 Invalid page.).</summary>
    public static async Task<(List<TEntity> Items, Pagination Pagination)?> PageAsync<TEntity>(
        IQueryable<TEntity> query, HttpRequest request, CancellationToken cancellationToken)
    {
        var size = PageSize(request);
        var count = await query.CountAsync(cancellationToken);
        var totalPages = Math.Max(1, (int)Math.Ceiling(count / (double)size));
        var rawPage = request.Query["page"].ToString();
        int page;
        if (string.IsNullOrEmpty(rawPage))
        {
            page = 1;
        }
        else if (rawPage == "last")
        {
            page = totalPages;
        }
        else if (!int.TryParse(rawPage, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1 || page > totalPages)
        {
            return null;
        }
        var items = await query.Skip((page - 1) * size).Take(size).ToListAsync(cancellationToken);
        var start = count == 0 ? 0 : ((page - 1) * size) + 1;
        var end = page == totalPages ? count : page * size;
        return (items, new Pagination(
            Next: page < totalPages ? page + 1 : 0,
            Previous: page > 1 ? page - 1 : 0,
            Count: count,
            Current: page,
            TotalPages: totalPages,
            StartIndex: start,
            EndIndex: end));
    }
}
