namespace Vtx.Host.Components.Types;

/// <summary>
/// The runtime value of a variant, enum, option or result: the case name and its payload (null without payload).
/// Lowering finds the case by name in the target type, so a value means the same in every type that has its case.
/// </summary>
internal sealed record WitVariant(string Case, object? Value = null)
{
    public static readonly WitVariant None = new("none");

    public static WitVariant Some(object? value) => new("some", value);

    public static WitVariant Ok(object? value = null) => new("ok", value);

    public static WitVariant Err(object? value = null) => new("error", value);

    public bool IsCase(string name) => string.Equals(Case, name, StringComparison.Ordinal);
}
