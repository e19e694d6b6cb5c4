using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Vtx.Protocol;

/// <summary>
/// WIT <c>sql.db-value</c>: a value bound to a statement parameter. A closed hierarchy with one
/// case per variant case: <see cref="Text"/>, <see cref="Integer"/>, <see cref="Real"/>,
/// <see cref="Null"/>.
/// </summary>
public abstract record DbValue
{
    private DbValue()
    {
    }

    /// <summary>The shared <c>null-val</c> case.</summary>
    public static DbValue NullValue { get; } = new Null();

    /// <summary>Case <c>text(string)</c>: binds as SQLite TEXT.</summary>
    /// <param name="Value">The text.</param>
    public sealed record Text(string Value) : DbValue
    {
        /// <inheritdoc/>
        public override string ToString() => $"text({Value})";
    }

    /// <summary>Case <c>integer(s64)</c>: binds as SQLite INTEGER.</summary>
    /// <param name="Value">The integer.</param>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Mirrors the WIT case name integer.")]
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Mirrors the WIT case name integer.")]
    public sealed record Integer(long Value) : DbValue
    {
        /// <inheritdoc/>
        public override string ToString() => $"integer({Value.ToString(CultureInfo.InvariantCulture)})";
    }

    /// <summary>Case <c>real(f64)</c>: binds as SQLite REAL.</summary>
    /// <param name="Value">The number.</param>
    public sealed record Real(double Value) : DbValue
    {
        /// <inheritdoc/>
        public override string ToString() => $"real({Value.ToString(CultureInfo.InvariantCulture)})";
    }

    /// <summary>Case <c>null-val</c>: binds as SQL NULL.</summary>
    public sealed record Null : DbValue
    {
        /// <inheritdoc/>
        public override string ToString() => "null-val";
    }
}
