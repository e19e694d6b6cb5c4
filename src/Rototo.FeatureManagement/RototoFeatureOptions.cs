using System.Text.Json.Nodes;

namespace Rototo.FeatureManagement;

/// <summary>Options of the rototo feature-flag bridge (<see cref="RototoFeatureManagementBuilderExtensions.WithRototo"/>).</summary>
public sealed class RototoFeatureOptions
{
    /// <summary>
    /// The facts every evaluation starts from (the process's region, environment, version); the request's facts are
    /// merged over it by <c>Rototo.FeatureManagement.AspNetCore</c>. Default <c>{}</c>.
    /// </summary>
    public JsonObject Context { get; set; } = [];

    /// <summary>The variables that are features; null (the default) for every variable of the workspace.</summary>
    public IReadOnlyCollection<string>? Variables { get; set; }
}
