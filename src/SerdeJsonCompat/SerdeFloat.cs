using System.Buffers;
using System.Globalization;
using System.Text;

namespace SerdeJsonCompat;

/// <summary>
/// Formats an f64 exactly as serde_json prints it (through the <c>ryu</c> crate): shortest round-trip digits,
/// positional notation with at least one fractional digit when the decimal exponent lies in [-5, 16), scientific
/// notation otherwise (<c>1.0</c>, <c>0.00001</c>, <c>1e16</c>, <c>1e-6</c>, <c>1.2345e20</c>, <c>-0.0</c>).
/// Non-finite values print as <c>null</c>, as serde_json writes them.
/// </summary>
public static class SerdeFloat
{
    /// <summary>The JSON text of <paramref name="value"/> as serde_json prints an f64.</summary>
    /// <param name="value">Any double.</param>
    /// <returns>ASCII text such as <c>1.0</c>, <c>1e21</c> or <c>null</c> (NaN, infinities).</returns>
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            return "null";
        }
        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        // "E16" gives 17 significant digits, which is not always the shortest; "R" gives the shortest
        // round-trip digits in either positional or E notation. Normalise it to digits + exponent.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text[0] == '-';
        if (negative)
        {
            text = text[1..];
        }

        var exponentIndex = text.IndexOfAny(['E', 'e']);
        var mantissa = exponentIndex < 0 ? text : text[..exponentIndex];
        var exponent = exponentIndex < 0 ? 0 : int.Parse(text[(exponentIndex + 1)..], CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var integerDigits = point < 0 ? mantissa.Length : point;

        // Strip leading zeros (0.000123 → digits 123) keeping track of the decimal point position.
        var leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }
        digits = digits[leading..].TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        // kk: position of the decimal point relative to the first significant digit (value = 0.d1d2.. × 10^kk).
        var kk = integerDigits - leading + exponent;
        var n = digits.Length;
        var builder = new StringBuilder(24);
        if (negative)
        {
            builder.Append('-');
        }

        if (n <= kk && kk <= 16)
        {
            builder.Append(digits).Append('0', kk - n).Append(".0");
        }
        else if (0 < kk && kk <= 16)
        {
            builder.Append(digits, 0, kk).Append('.').Append(digits, kk, n - kk);
        }
        else if (-5 < kk && kk <= 0)
        {
            builder.Append("0.").Append('0', -kk).Append(digits);
        }
        else
        {
            builder.Append(digits[0]);
            if (n > 1)
            {
                builder.Append('.').Append(digits, 1, n - 1);
            }
            builder.Append('e').Append((kk - 1).ToString(CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    /// <summary>Appends <see cref="Format"/>'s text to <paramref name="output"/> as UTF-8.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="value">Any double.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    public static void Write(IBufferWriter<byte> output, double value)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = Format(value);
        var written = Encoding.ASCII.GetBytes(text, output.GetSpan(text.Length));
        output.Advance(written);
    }
}
