using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Rototo.Json;

/// <summary>
/// A JSON number with the identity serde_json gives it: a non-negative integer (u64), a negative
/// integer (i64), or a float (f64). Integer and float identity is significant in rototo (§2.3, §4.3).
/// </summary>
internal readonly struct JsonNumber
{
    private JsonNumber(JsonNumberKind kind, ulong unsigned, long signed, double real)
    {
        Kind = kind;
        Unsigned = unsigned;
        Signed = signed;
        Real = real;
    }

    public JsonNumberKind Kind { get; }

    public ulong Unsigned { get; }

    public long Signed { get; }

    public double Real { get; }

    public bool IsInteger => Kind != JsonNumberKind.Float;

    public static JsonNumber FromInt64(long value) =>
        value >= 0 ? new(JsonNumberKind.PositiveInteger, (ulong)value, value, 0) : new(JsonNumberKind.NegativeInteger, 0, value, 0);

    public static JsonNumber FromDouble(double value) => new(JsonNumberKind.Float, 0, 0, value);

    /// <summary>Reads the number of a <see cref="JsonValueKind.Number"/> element without allocating.</summary>
    public static JsonNumber Read(JsonElement element) => Parse(JsonMarshal.GetRawUtf8Value(element));

    /// <summary>Classifies raw JSON number text as serde_json does: integers without '.', 'e' or 'E' that fit 64 bits, else float.</summary>
    public static JsonNumber Parse(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0)
        {
            if (raw.Length > 0 && raw[0] == (byte)'-')
            {
                if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var signed))
                {
                    return FromInt64(signed);
                }
            }
            else if (ulong.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var unsigned))
            {
                return new(JsonNumberKind.PositiveInteger, unsigned, unchecked((long)unsigned), 0);
            }
        }
        return FromDouble(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>serde_json <c>Number</c> equality: same identity and same value (used inside arrays and objects).</summary>
    public bool IdentityEquals(JsonNumber other) => Kind == other.Kind && Kind switch
    {
        JsonNumberKind.PositiveInteger => Unsigned == other.Unsigned,
        JsonNumberKind.NegativeInteger => Signed == other.Signed,
        _ => Real.Equals(other.Real) && !double.IsNaN(Real),
    };

    /// <summary>
    /// Exact numeric ordering (§4.3): integers compare exactly; otherwise both sides must convert to a
    /// finite f64 without loss, or the ordering is undefined (<c>null</c>).
    /// </summary>
    public static int? CompareExact(JsonNumber left, JsonNumber right)
    {
        if (left.IsInteger && right.IsInteger)
        {
            return left.AsInt128().CompareTo(right.AsInt128());
        }
        if (!left.TryToExactDouble(out var l) || !right.TryToExactDouble(out var r))
        {
            return null;
        }
        return l < r ? -1 : l > r ? 1 : l == r ? 0 : null;
    }

    private Int128 AsInt128() => Kind == JsonNumberKind.PositiveInteger ? Unsigned : Signed;

    private bool TryToExactDouble(out double value)
    {
        switch (Kind)
        {
            case JsonNumberKind.PositiveInteger:
                value = Unsigned;
                return value < 18446744073709551616.0 && (ulong)value == Unsigned;
            case JsonNumberKind.NegativeInteger:
                value = Signed;
                return value >= -9223372036854775808.0 && (long)value == Signed;
            default:
                value = Real;
                return double.IsFinite(Real);
        }
    }

    /// <summary>The number as serde_json prints it (integers in decimal, floats per <see cref="SerdeFloat"/>).</summary>
    public override string ToString() => Kind switch
    {
        JsonNumberKind.PositiveInteger => Unsigned.ToString(CultureInfo.InvariantCulture),
        JsonNumberKind.NegativeInteger => Signed.ToString(CultureInfo.InvariantCulture),
        _ => SerdeFloat.Format(Real),
    };
}

/// <summary>The identity of a JSON number, as serde_json keeps it.</summary>
internal enum JsonNumberKind
{
    PositiveInteger,
    NegativeInteger,
    Float,
}
