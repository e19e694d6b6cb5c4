using Wasmtime;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// Core values as the canonical-ABI code carries them: each value's bit pattern zero-extended to 64 bits, so that a
/// variant's joined slot (i32, i64, f32 or f64) holds any case's payload without conversion (CanonicalABI.md,
/// <c>lift_flat_variant</c>).
/// </summary>
internal static class CoreValues
{
    public static ValueBox Box(ulong bits, ValueKind kind) => kind switch
    {
        ValueKind.Int32 => (int)(uint)bits,
        ValueKind.Int64 => (long)bits,
        ValueKind.Float32 => BitConverter.Int32BitsToSingle((int)(uint)bits),
        _ => BitConverter.Int64BitsToDouble((long)bits),
    };

    public static ulong Bits(ValueBox box, ValueKind kind) => kind switch
    {
        ValueKind.Int32 => (uint)box.AsInt32(),
        ValueKind.Int64 => (ulong)box.AsInt64(),
        ValueKind.Float32 => (uint)BitConverter.SingleToInt32Bits(box.AsSingle()),
        _ => (ulong)BitConverter.DoubleToInt64Bits(box.AsDouble()),
    };

    /// <summary>The bits of what <see cref="Function.Invoke(ReadOnlySpan{ValueBox})"/> returned for a function with one result of <paramref name="kind"/>.</summary>
    public static ulong Bits(object? result, ValueKind kind) => (kind, result) switch
    {
        (ValueKind.Int32, int i) => (uint)i,
        (ValueKind.Int64, long l) => (ulong)l,
        (ValueKind.Float32, float f) => (uint)BitConverter.SingleToInt32Bits(f),
        (ValueKind.Float64, double d) => (ulong)BitConverter.DoubleToInt64Bits(d),
        _ => throw new InvalidOperationException($"a core function returned {result?.GetType().Name ?? "nothing"} where its type says {kind}"),
    };
}
