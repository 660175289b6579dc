namespace Warden.Api;

/// <summary>authentik's <c>UsedByActionEnum</c>: how a delete affects a referencing object.</summary>
public static class UsedByActions
{
    /// <summary>A foreign key with CASCADE: the referencing object is deleted too.</summary>
    public const string Cascade = "cascade";

    /// <summary>A many-to-many link: the link is removed.</summary>
    public const string CascadeMany = "cascade_many";

    public const string SetNull = "set_null";
    public const string SetDefault = "set_default";
    public const string LeftDangling = "left_dangling";
}
