namespace CloudRuntimes.Components.Hosting;

/// <summary>The component types this project provides, registered with every builder.</summary>
internal static class BuiltInComponents
{
    public static void Register(CloudRuntimesBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
    }
}
