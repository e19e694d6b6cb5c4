namespace Rototo.Extensions.Tests.Support;

/// <summary>
/// A private copy of the project's example workspace (<c>examples/storefront</c>) in a temporary folder, edited by the
/// tests; a local source always reloads on refresh.
/// </summary>
public sealed class StorefrontCopy : IDisposable
{
    /// <summary>The context of a premium member shopping from Germany (the workspace's own <c>contexts/premium-in-germany.json</c>).</summary>
    public const string PremiumInGermany = """{"user":{"id":"user-42","tier":"premium"},"request":{"country":"DE"},"cart":{"items":3}}""";

    /// <summary>The context of a free member shopping from the US.</summary>
    public const string FreeInUs = """{"user":{"id":"anonymous","tier":"free"},"request":{"country":"US"},"cart":{"items":0}}""";

    /// <summary>Copies the workspace into a new temporary folder, or into a subfolder <paramref name="name"/> of it.</summary>
    public StorefrontCopy(string? name = null)
    {
        Folder = Path.Combine(Path.GetTempPath(), "rototo-ext-" + Guid.NewGuid().ToString("N"));
        Root = name is null ? Folder : Path.Combine(Folder, name);
        Copy(Path.Combine(RepositoryRoot, "examples", "storefront"), Root);
    }

    /// <summary>The temporary folder (deleted on dispose).</summary>
    public string Folder { get; }

    /// <summary>The workspace's root folder.</summary>
    public string Root { get; }

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CloudRuntimes.slnx")))
            {
                directory = directory.Parent;
            }
            return directory?.FullName ?? throw new InvalidOperationException("CloudRuntimes.slnx not found above the test binaries");
        }
    }

    /// <summary>Replaces a workspace file (path relative to the root).</summary>
    public void Write(string relativePath, string text) => File.WriteAllText(Path.Combine(Root, relativePath), text);

    /// <summary>Makes <c>express-checkout</c> resolve to <paramref name="value"/> for everybody.</summary>
    public void SetExpressCheckoutForEveryone(bool value) => Write("variables/express-checkout.toml", $$"""
        schema_version = 1
        type = "bool"

        [values]
        on = true
        off = false

        [resolve]
        default = "{{(value ? "on" : "off")}}"
        """);

    /// <summary>Gives <c>checkout-banner</c> a new standard text.</summary>
    public void SetStandardBanner(string text) => Write("variables/checkout-banner.toml", $$"""
        schema_version = 1
        type = "string"

        [values]
        standard = "{{text}}"
        premium = "Welcome back! Premium members check out with free express shipping."

        [resolve]
        default = "standard"

        [[resolve.rule]]
        qualifier = "premium-members"
        value = "premium"
        """);

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var directory in Directory.GetDirectories(from))
        {
            Copy(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
