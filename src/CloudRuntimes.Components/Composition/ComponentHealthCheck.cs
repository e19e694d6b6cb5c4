using CloudRuntimes.Database;
using CloudRuntimes.Files;
using CloudRuntimes.State;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CloudRuntimes.Components.Composition;

/// <summary>
/// The health of in-process components (<see cref="ComponentHealthChecksBuilderExtensions"/>): each component is asked
/// with a cheap read that reaches its back end, and reports the worst of their answers.
/// <list type="bullet">
/// <item><description>A component that implements <see cref="IHealthCheck"/> answers for itself (the rototo configuration
/// store: degraded while it serves its last good workspace after a failed refresh).</description></item>
/// <item><description>A state store reads a key nobody writes (<c>cloud-runtimes-health-probe</c>), a database runs
/// <c>SELECT 1</c>, a file store looks up a name nobody writes: healthy when that answers, unhealthy with the error (or
/// after <c>probeTimeout</c>).</description></item>
/// <item><description>Other building blocks (pub/sub, locks, secrets, bindings) have no read without effects: healthy
/// once created.</description></item>
/// </list>
/// Before the host started, or when the components failed to build, the registration's failure status. Data: one
/// entry per component, <c>{status}: {description}</c>.
/// </summary>
public sealed class ComponentHealthCheck : IHealthCheck
{
    /// <summary>The key a state store and a file store are asked for.</summary>
    public const string ProbeKey = "cloud-runtimes-health-probe";

    private readonly ComponentHost _host;
    private readonly string? _component;
    private readonly TimeSpan _probeTimeout;

    /// <summary>Creates the check.</summary>
    /// <param name="host">The component host.</param>
    /// <param name="component">One component's name; null for all of them.</param>
    /// <param name="probeTimeout">Longest a component may take to answer.</param>
    public ComponentHealthCheck(ComponentHost host, string? component, TimeSpan probeTimeout)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(probeTimeout, TimeSpan.Zero);
        _host = host;
        _component = component;
        _probeTimeout = probeTimeout;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failure = context.Registration.FailureStatus;
        if (!_host.IsBuilt)
        {
            return new HealthCheckResult(failure, "the components are not built yet (the host has not started, or a component failed to start)");
        }
        var components = _host.Components.Where(c => _component is null || c.Name == _component).ToList();
        if (components.Count == 0)
        {
            return new HealthCheckResult(failure, $"component '{_component}' is not defined");
        }
        var results = await Task.WhenAll(components.Select(c => ProbeAsync(c, context, cancellationToken))).ConfigureAwait(false);
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        for (var i = 0; i < components.Count; i++)
        {
            data[components[i].Name] = $"{results[i].Status}: {results[i].Description}";
        }
        var worst = results.Min(r => r.Status);
        var description = worst == HealthStatus.Healthy
            ? $"{components.Count} component(s) healthy"
            : string.Join("; ", components.Zip(results).Where(p => p.Second.Status != HealthStatus.Healthy).Select(p => $"{p.First.Name}: {p.Second.Description}"));
        return new HealthCheckResult(worst, description, data: data);
    }

    private async Task<HealthCheckResult> ProbeAsync(ComponentInfo component, HealthCheckContext context, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_probeTimeout);
        try
        {
            return await ProbeOnceAsync(component, context, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{component.Type} did not answer within {_probeTimeout.TotalSeconds:0.###} s");
        }
#pragma warning disable CA1031 // Whatever a back end throws is the answer: the component is unhealthy, with that message.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy($"{component.Type}: {e.Message}");
        }
    }

    private async Task<HealthCheckResult> ProbeOnceAsync(ComponentInfo component, HealthCheckContext context, CancellationToken cancellationToken)
    {
        var name = component.Name;
        if (_host.TryGet<IHealthCheck>(name, out var own))
        {
            return await own.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
        }
        if (_host.TryGet<IStateStore>(name, out var state))
        {
            await state.GetAsync(ProbeKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{component.Type} answers reads");
        }
        if (_host.TryGet<IDatabase>(name, out var database))
        {
            await database.QueryAsync("SELECT 1", cancellationToken: cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{component.Type} answers queries");
        }
        if (_host.TryGet<IFileStore>(name, out var files))
        {
            await files.StatAsync(ProbeKey, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{component.Type} answers look-ups");
        }
        return HealthCheckResult.Healthy($"{component.Type} is created (its building block has no read to probe)");
    }
}
