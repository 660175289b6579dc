namespace Warden.Persistence;

/// <summary>
/// Before the server listens: apply pending migrations, then run every registered start-up step
/// (bootstrap, default flows, ...) in registration order.
/// </summary>
public sealed class DatabaseStartup(IServiceProvider services, IEnumerable<IStartupStep> steps) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await services.MigrateAsync(cancellationToken);
        foreach (var step in steps)
        {
            await using var scope = services.CreateAsyncScope();
            await step.RunAsync(scope.ServiceProvider, cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A start-up step, run in its own scope after migrations.</summary>
public interface IStartupStep
{
    Task RunAsync(IServiceProvider services, CancellationToken cancellationToken);
}
