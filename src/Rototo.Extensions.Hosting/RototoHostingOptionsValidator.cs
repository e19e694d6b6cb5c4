using Microsoft.Extensions.Options;
using Rototo.Sources;

namespace Rototo.Extensions.Hosting;

/// <summary>
/// Checks <see cref="RototoHostingOptions"/> when the host starts (<c>ValidateOnStart</c>); each failure names the key
/// it is about: the configuration path (<c>Rototo:Source</c>) when the options were bound from a section, the property
/// (<c>RototoHostingOptions.Source</c>) when a lambda set them.
/// </summary>
public sealed class RototoHostingOptionsValidator : IValidateOptions<RototoHostingOptions>
{
    private readonly string _prefix;
    private readonly string _separator;

    /// <summary>Creates the validator.</summary>
    /// <param name="sectionPath">The configuration section the options were bound from; null when a lambda set them.</param>
    public RototoHostingOptionsValidator(string? sectionPath)
    {
        (_prefix, _separator) = string.IsNullOrEmpty(sectionPath) ? (nameof(RototoHostingOptions), ".") : (sectionPath, ":");
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RototoHostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Source))
        {
            failures.Add($"{Key("Source")} is required: a rototo workspace source (a folder, file://, git+https://...#ref:subdir or an https:// archive)");
        }
        else
        {
            try
            {
                WorkspaceSource.Parse(options.Source);
            }
            catch (RototoException e)
            {
                failures.Add($"{Key("Source")} '{options.Source}' is not a workspace source: {e.Message}");
            }
        }
        if (options.RefreshPeriod is { } period && period <= TimeSpan.Zero)
        {
            failures.Add($"{Key("RefreshPeriod")} must be a positive duration (hh:mm:ss), got {period}; leave it empty for no background refresh");
        }
        if (options.MinFailureBackoff < TimeSpan.Zero)
        {
            failures.Add($"{Key("MinFailureBackoff")} must not be negative, got {options.MinFailureBackoff}");
        }
        if (options.MaxFailureBackoff < options.MinFailureBackoff)
        {
            failures.Add($"{Key("MaxFailureBackoff")} ({options.MaxFailureBackoff}) must not be shorter than {Key("MinFailureBackoff")} ({options.MinFailureBackoff})");
        }
        if (options.MaxStaleness is { } staleness && staleness <= TimeSpan.Zero)
        {
            failures.Add($"{Key("MaxStaleness")} must be a positive duration, got {staleness}");
        }
        if (!Enum.IsDefined(options.Lint))
        {
            failures.Add($"{Key("Lint")} must be Deny or Skip, got {options.Lint}");
        }
        AddSourceFailures(options.Sources, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void AddSourceFailures(WorkspaceSourceOptions? sources, List<string> failures)
    {
        if (sources is null)
        {
            failures.Add($"{Key("Sources")} must not be null");
            return;
        }
        foreach (var (property, value) in new[] { ("GitTimeout", sources.GitTimeout), ("HttpTimeout", sources.HttpTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{Key("Sources")}{_separator}{property} must be a positive duration, got {value}");
            }
        }
        foreach (var (property, value) in new[] { ("MaxArchiveBytes", sources.MaxArchiveBytes), ("MaxUnpackedBytes", sources.MaxUnpackedBytes), ("MaxArchiveEntries", (long)sources.MaxArchiveEntries), ("MaxFileBytes", (long)sources.MaxFileBytes) })
        {
            if (value <= 0)
            {
                failures.Add($"{Key("Sources")}{_separator}{property} must be positive, got {value}");
            }
        }
    }

    private string Key(string property) => _prefix + _separator + property;
}
