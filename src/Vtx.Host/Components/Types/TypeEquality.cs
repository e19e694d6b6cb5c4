namespace Vtx.Host.Components.Types;

/// <summary>
/// Structural equality of resolved types, as instantiation type-checks them: same shape, same field, case and flag
/// names in the same order, and the same resource identity.
/// </summary>
internal static class TypeEquality
{
    public static bool Equal(WitType? a, WitType? b) => (a, b) switch
    {
        (null, null) => true,
        (PrimType x, PrimType y) => x.Kind == y.Kind,
        (ListType x, ListType y) => Equal(x.Element, y.Element),
        (RecordType x, RecordType y) => x.Fields.Count == y.Fields.Count
            && x.Fields.Zip(y.Fields).All(p => p.First.Name == p.Second.Name && Equal(p.First.Type, p.Second.Type)),
        (VariantType x, VariantType y) => x.Cases.Count == y.Cases.Count
            && x.Cases.Zip(y.Cases).All(p => p.First.Name == p.Second.Name && Equal(p.First.Type, p.Second.Type)),
        (FlagsType x, FlagsType y) => x.Labels.SequenceEqual(y.Labels),
        (HandleType x, HandleType y) => x.Own == y.Own && ReferenceEquals(x.Resource, y.Resource),
        _ => false,
    };

    public static bool Equal(FuncType a, FuncType b) =>
        a.Params.Count == b.Params.Count
        && a.Params.Zip(b.Params).All(p => p.First.Name == p.Second.Name && Equal(p.First.Type, p.Second.Type))
        && Equal(a.Result, b.Result);
}
