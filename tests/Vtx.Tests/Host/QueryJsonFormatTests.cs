using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Vtx.Protocol;

namespace Vtx.Tests.Host;

/// <summary>
/// <c>sql.query-json</c> gives the text vtx-core gives: <c>serde_json::to_string</c> of its rows (spec
/// <c>vtx-plugins.md</c> §A.4), read by the <c>wire</c> probe plugin (GET /json?NAME runs a fixed statement).
/// Each expected text is what serde_json prints for that row, written from serde_json's documented behaviour:
/// <list type="bullet">
/// <item>an f64 through ryu: shortest round-trip digits, positional with at least one fractional digit while the
/// decimal exponent is in [-5, 16) (<c>1.0</c>, <c>0.00001</c>, <c>1000000000000000.0</c>), else <c>1e16</c>,
/// <c>1e-6</c>, <c>1.2345e20</c>; <c>-0.0</c> keeps its sign; NaN and infinities are <c>null</c>;</item>
/// <item>an i64 in decimal;</item>
/// <item>a string escapes only <c>"</c>, <c>\</c> and U+0000–U+001F (<c>\b \t \n \f \r</c> by name, others as
/// <c>\u00xx</c> in lowercase hex); non-ASCII, U+2028, U+2029 and DEL are written raw; invalid UTF-8 was replaced
/// by U+FFFD per maximal ill-formed subsequence (<c>String::from_utf8_lossy</c>);</item>
/// <item>a <c>serde_json::Map</c> without <c>preserve_order</c> is a BTreeMap: keys in UTF-8 byte order, a later
/// duplicate key replacing the earlier value.</item>
/// </list>
/// In the expected texts <c>&lt;U+XXXX&gt;</c> stands for that character written raw (as UTF-8).
/// </summary>
public sealed partial class QueryJsonFormatTests : IDisposable
{
    private readonly RuntimeFixture _fixture = new();

    [Theory]
    [InlineData("floats", """[{"a":1.0,"b":1e21,"c":1e-7,"d":-0.0,"e":1e16,"f":1000000000000000.0,"g":0.1,"h":1.5,"i":123456.789,"j":0.00001,"k":1e-6,"l":1e300,"m":null,"n":null,"o":100.0,"p":6.0,"q":1.2345e20,"r":-1e21,"s":0.30000000000000004,"t":5e-7,"u":0.0}]""")]
    [InlineData("integers", """[{"a":0,"b":-1,"c":9223372036854775807,"d":-9223372036854775808,"e":9007199254740993}]""")]
    [InlineData("strings", """[{"a":"café 日本","b":"<U+2028>","c":"<U+2029>","d":"<U+007F>","e":"\u001f","f":"\u0001","g":"\u001b","h":"\b\t\n\f\r","i":"\u000b","j":"\"\\/","k":"<>&'","l":"😀","m":"","n":"a\u0000b"}]""")]
    [InlineData("keys", """[{"B":3,"Z":12,"_":4,"a":2,"a\"b":11,"aa":5,"b":1,"k":10,"é":6,"～":7,"😀":8}]""")]
    [InlineData("lossy", """[{"a":"a<U+FFFD><U+FFFD>b","b":"<U+FFFD><U+FFFD><U+FFFD>"}]""")]
    [InlineData("kinds", """[{"absent":null,"bytes":"<BLOB>"}]""")]
    [InlineData("rows", """[{"n":1},{"n":2.5},{"n":"x"}]""")]
    [InlineData("empty", "[]")]
    public void Query_json_prints_rows_as_serde_json_prints_them(string statement, string expected)
    {
        using var wire = _fixture.Instantiate(TestPlugins.Core("wire"));

        var response = wire.Handle(new HttpRequest("GET", "/json", statement));

        var body = Bytes(response);
        Assert.Equal(200, response.Status);
        Assert.Equal(Raw(expected), Encoding.UTF8.GetString(body));
        Assert.Equal(Encoding.UTF8.GetBytes(Raw(expected)), body);
    }

    public void Dispose() => _fixture.Dispose();

    /// <summary>The expected text with every <c>&lt;U+XXXX&gt;</c> replaced by that character.</summary>
    private static string Raw(string expected) =>
        CodePoint().Replace(expected, m => char.ConvertFromUtf32(int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));

    private static byte[] Bytes(HttpResponse response)
    {
        using var body = response.Body!;
        return body.Read(0, body.Size);
    }

    [GeneratedRegex("<U\\+([0-9A-F]{4,6})>")]
    private static partial Regex CodePoint();
}
