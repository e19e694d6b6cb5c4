using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CloudRuntimes.Components.Composition;

/// <summary>
/// Options of <see cref="ServiceCollectionExtensions.AddCloudRuntimes(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration, Action{CloudRuntimesBuilder}?)"/>
/// for in-process components, set in code or bound from a configuration section (<c>"CloudRuntimes": {"AppId": ...,
/// "DataDirectory": ..., "ResourcesPath": ...}</c>); checked when the host starts.
/// </summary>
public sealed class CloudRuntimesOptions
{
    /// <summary>The application id (letters, digits, <c>-</c>, <c>_</c>, <c>.</c>); default <c>app</c>.</summary>
    public string AppId { get; set; } = "app";

    /// <summary>Directory for the embedded back ends (SQLite files, local files); default <c>.cloud-runtimes</c> under the current directory.</summary>
    public string DataDirectory { get; set; } = ".cloud-runtimes";

    /// <summary>A Dapr resources directory whose components (<c>*.yaml</c>) are added before the code's own; null for none.</summary>
    public string? ResourcesPath { get; set; }
}

/// <summary>Checks <see cref="CloudRuntimesOptions"/> at host start; each failure names its key (<c>CloudRuntimes:AppId</c>, or <c>CloudRuntimesOptions.AppId</c> when code set it).</summary>
/// <param name="sectionPath">The configuration section the options were bound from; null when code set them.</param>
public sealed partial class CloudRuntimesOptionsValidator(string? sectionPath) : IValidateOptions<CloudRuntimesOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CloudRuntimesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.AppId) || !AppIdPattern().IsMatch(options.AppId))
        {
            failures.Add($"{Key("AppId")} must be letters, digits, '-', '_' or '.' (starting with a letter or digit), got '{options.AppId}'");
        }
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{Key("DataDirectory")} must name a directory");
        }
        if (options.ResourcesPath is { } resources && !Directory.Exists(resources))
        {
            failures.Add($"{Key("ResourcesPath")} '{resources}' is not a directory");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private string Key(string property) => string.IsNullOrEmpty(sectionPath) ? $"{nameof(CloudRuntimesOptions)}.{property}" : $"{sectionPath}:{property}";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex AppIdPattern();
}
