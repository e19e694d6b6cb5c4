using CloudRuntimes.Tests.Conformance;

namespace CloudRuntimes.Tests.BuiltIn;

/// <summary><c>file.local</c> against the file store conformance suite.</summary>
public sealed class LocalFileStoreConformance : FileStoreConformance
{
    /// <inheritdoc />
    protected override string ComponentType => "file.local";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string> { ["rootPath"] = Path.Combine(DataDirectory, "files") };
}

/// <summary><c>bindings.localstorage</c> against the output binding conformance suite.</summary>
public sealed class LocalStorageBindingConformance : OutputBindingConformance
{
    /// <inheritdoc />
    protected override string ComponentType => "bindings.localstorage";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string> { ["rootPath"] = Path.Combine(DataDirectory, "storage") };
}

/// <summary><c>secretstores.local.env</c> against the secret store conformance suite, seeded with prefixed variables.</summary>
public sealed class EnvironmentSecretStoreConformance : SecretStoreConformance
{
    private readonly string _prefix = $"CRTEST_{Guid.NewGuid():N}_";

    /// <summary>Seeds the process environment.</summary>
    public EnvironmentSecretStoreConformance()
    {
        Environment.SetEnvironmentVariable(_prefix + "conftestsecret", "abcd");
        Environment.SetEnvironmentVariable(_prefix + "secondsecret", "efgh");
    }

    /// <inheritdoc />
    protected override string ComponentType => "secretstores.local.env";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string> { ["prefix"] = _prefix };
}

/// <summary><c>secretstores.local.file</c> against the secret store conformance suite, seeded with Dapr's fixture.</summary>
public sealed class JsonFileSecretStoreConformance : SecretStoreConformance
{
    /// <inheritdoc />
    protected override string ComponentType => "secretstores.local.file";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string> { ["secretsFile"] = Path.Combine(DataDirectory, "secrets.json") };

    /// <inheritdoc />
    public override ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        File.WriteAllText(Path.Combine(DataDirectory, "secrets.json"), """{"conftestsecret":"abcd","secondsecret":"efgh"}""");
        return base.InitializeAsync();
    }
}
