namespace CloudRuntimes.Host;

/// <summary>Component names the runtime server gives a role (Dapr has the same conventions where it has the building block).</summary>
internal static class ComponentNames
{
    /// <summary>The job scheduler behind the jobs API and job firings to the app.</summary>
    public const string Jobs = "jobs";

    /// <summary>The configuration store the server adds for <c>--config-source</c> (or the shipped example workspace).</summary>
    public const string Configuration = "config";
}
