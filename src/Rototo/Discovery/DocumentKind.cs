namespace Rototo.Discovery;

/// <summary>What a workspace file is (rototo <c>documents[].kind</c>, §2.1).</summary>
public enum DocumentKind
{
    /// <summary><c>rototo-workspace.toml</c>.</summary>
    Manifest,

    /// <summary><c>qualifiers/&lt;id&gt;.toml</c>.</summary>
    Qualifier,

    /// <summary><c>variables/&lt;id&gt;.toml</c>.</summary>
    Variable,

    /// <summary><c>resources/&lt;id&gt;.toml</c>.</summary>
    Resource,

    /// <summary><c>resources/&lt;id&gt;-objects/&lt;key&gt;.toml</c>.</summary>
    ResourceObject,

    /// <summary><c>schemas/&lt;name&gt;.json</c>.</summary>
    Schema,

    /// <summary><c>lint/&lt;id&gt;.lua</c>.</summary>
    CustomLint,
}

/// <summary>Wire names of <see cref="DocumentKind"/>.</summary>
public static class DocumentKindNames
{
    /// <summary>The snake_case name rototo prints for a document kind (<c>resource_object</c>, <c>custom_lint</c>, ...).</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The wire name.</returns>
    public static string ToWireName(this DocumentKind kind) => kind switch
    {
        DocumentKind.Manifest => "manifest",
        DocumentKind.Qualifier => "qualifier",
        DocumentKind.Variable => "variable",
        DocumentKind.Resource => "resource",
        DocumentKind.ResourceObject => "resource_object",
        DocumentKind.Schema => "schema",
        _ => "custom_lint",
    };
}
