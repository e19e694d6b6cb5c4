using System.Net;
using System.Text.RegularExpressions;

namespace CloudRuntimes.Components.NameResolution;

/// <summary>
/// <c>dns</c> name resolution (ours): <c>template</c> is the address of an app id's runtimes with <c>{appid}</c> in it
/// (any case), and optionally <c>{namespace}</c> (the <c>NAMESPACE</c> environment variable, as Dapr reads it; default
/// <c>default</c>): <c>{appid}-runtime.{namespace}.svc.cluster.local:3500</c>, or a URL such as
/// <c>https://{appid}.internal:8443</c> (without a scheme, <c>http://</c>). Every address the host resolves to is one
/// replica. Registration is the DNS records' business (a headless service), so runtimes register nothing.
/// </summary>
public sealed partial class DnsNameResolver : INameResolver
{
    private readonly string _template;

    private DnsNameResolver(string template) => _template = template;

    /// <inheritdoc />
    public TimeSpan UpdateInterval { get; } = TimeSpan.FromMinutes(5);

    /// <summary>The resolver of a definition's <c>template</c>.</summary>
    /// <param name="definition">The resolver's definition (type <c>nameresolution.dns</c>).</param>
    /// <returns>The resolver.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResourceInvalid"/> naming the file: no template, or not an http(s) URL.</exception>
    public static DnsNameResolver Open(ComponentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var template = definition.Get("template") is { Length: > 0 } given
            ? (given.Contains("://", StringComparison.Ordinal) ? given : "http://" + given)
                .Replace("{namespace}", Environment.GetEnvironmentVariable("NAMESPACE") is { Length: > 0 } ns ? ns : "default", StringComparison.OrdinalIgnoreCase)
            : null;
        if (template is null || !Uri.TryCreate(Fill(template, "app"), UriKind.Absolute, out var sample) || sample.Scheme is not ("http" or "https"))
        {
            throw definition.Invalid("spec.nameResolution.configuration.template is required for dns: an address with {appid} in its host, e.g. {appid}-runtime.{namespace}.svc.cluster.local:3500");
        }
        return new DnsNameResolver(template);
    }

    /// <inheritdoc />
    public Task RegisterAsync(NameRegistration registration, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task UnregisterAsync(NameRegistration registration, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Uri>> ResolveAsync(string appId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appId);
        if (!AppIdPattern().IsMatch(appId))
        {
            return [];
        }
        var url = new Uri(Fill(_template, appId));
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(url.DnsSafeHost, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return [];
        }
        return [.. addresses.Select(a => new UriBuilder(url) { Host = a.ToString() }.Uri).Distinct().OrderBy(u => u.ToString(), StringComparer.Ordinal)];
    }

    private static string Fill(string template, string appId) => template.Replace("{appid}", appId, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>App ids that can be part of a host name.</summary>
    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex AppIdPattern();
}
