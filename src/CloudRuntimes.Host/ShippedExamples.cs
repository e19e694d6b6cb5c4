namespace CloudRuntimes.Host;

/// <summary>The examples shipped beside the server, served with the embedded defaults.</summary>
internal static class ShippedExamples
{
    /// <summary>
    /// With the embedded defaults (no resources path), an example shipped beside the server: <c>storefront</c>, the
    /// rototo workspace served as <c>config</c>, and <c>plugins</c>, the VTX plugins served under their entrypoints.
    /// </summary>
    /// <returns>The example's folder, or null when there is none or a resources path is given.</returns>
    public static string? Folder(RuntimeOptions options, string name)
    {
        var example = Path.Combine(AppContext.BaseDirectory, "examples", name);
        return options.ComponentsPath is null && Directory.Exists(example) ? example : null;
    }
}
