namespace Warden.Flows;

/// <summary>
/// What authentik's API says about a stage type (<c>/stages/all/types/</c>, and the <c>component</c>,
/// <c>verbose_name</c>, <c>verbose_name_plural</c> and <c>meta_model_name</c> of every stage response).
/// </summary>
/// <param name="Model">The stage entity type.</param>
/// <param name="Executor">The <see cref="IStageExecutor"/> that runs it in a flow.</param>
/// <param name="Component">The admin form element, e.g. <c>ak-stage-deny-form</c>.</param>
/// <param name="MetaModelName"><c>app_label.model_name</c>, e.g. <c>authentik_stages_deny.denystage</c>.</param>
/// <param name="Description">The model's docstring, shown in <c>/stages/all/types/</c>.</param>
public sealed record StageType(
    Type Model,
    Type Executor,
    string Component,
    string VerboseName,
    string VerboseNamePlural,
    string MetaModelName,
    string Description,
    bool RequiresEnterprise = false)
{
    /// <summary>The model name alone, e.g. <c>denystage</c>.</summary>
    public string ModelName => MetaModelName[(MetaModelName.IndexOf('.', StringComparison.Ordinal) + 1)..];

    /// <summary>The Django app label, e.g. <c>authentik_stages_deny</c>.</summary>
    public string AppLabel => MetaModelName[..MetaModelName.IndexOf('.', StringComparison.Ordinal)];
}

/// <summary>Every registered stage type; each stage feature adds its own with <see cref="StageTypeRegistration.AddStageType{TStage, TExecutor}"/>.</summary>
public sealed class StageTypes(IEnumerable<StageType> types)
{
    private readonly Dictionary<Type, StageType> _byModel = types.ToDictionary(t => t.Model);

    /// <summary>In authentik's order for <c>/stages/all/types/</c>: by verbose name.</summary>
    public IReadOnlyList<StageType> All { get; } = [.. types.OrderBy(t => t.VerboseName, StringComparer.Ordinal)];

    public StageType For(Stage stage) => For(stage.GetType());

    /// <summary>The registered type of a stage entity type; false when no feature registered it.</summary>
    public bool TryFor(Type model, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StageType? type) => _byModel.TryGetValue(model, out type);

    public StageType For(Type model) =>
        _byModel.TryGetValue(model, out var type) ? type : throw new InvalidOperationException($"Stage type {model.Name} is not registered.");
}

public static class StageTypeRegistration
{
    /// <summary>Registers a stage type and its executor (scoped: one per request, with the request's DbContext).</summary>
    public static IServiceCollection AddStageType<TStage, TExecutor>(
        this IServiceCollection services, string component, string verboseName, string verboseNamePlural,
        string metaModelName, string description, bool requiresEnterprise = false)
        where TStage : Stage
        where TExecutor : class, IStageExecutor
    {
        services.AddSingleton(new StageType(typeof(TStage), typeof(TExecutor), component, verboseName, verboseNamePlural, metaModelName, description, requiresEnterprise));
        services.AddScoped<TExecutor>();
        services.AddSingleton<StageTypes>();
        return services;
    }
}
