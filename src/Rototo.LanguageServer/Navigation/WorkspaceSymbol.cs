namespace Rototo.LanguageServer.Navigation;

/// <summary>Something of a workspace that can be defined, referenced and hovered.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Id">Its id (a schema's workspace-relative path for schemas).</param>
/// <param name="Owner">The owning variable of a value, or the resource of a resource object.</param>
internal sealed record WorkspaceSymbol(SymbolKind Kind, string Id, string? Owner = null);

/// <summary>The kinds of <see cref="WorkspaceSymbol"/>.</summary>
internal enum SymbolKind
{
    Qualifier,
    Variable,
    Value,
    Resource,
    ResourceObject,
    Schema,
}
