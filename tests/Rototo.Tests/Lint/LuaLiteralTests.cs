using System.Text.Json;
using Rototo.Lint.Custom;

namespace Rototo.Tests.Lint;

/// <summary>JSON written as Lua source for the handler's <c>ctx</c> (rototo.md §10.1 conversions).</summary>
public sealed class LuaLiteralTests
{
    [Fact]
    public void Objects_arrays_numbers_and_null_become_lua_table_constructors()
    {
        using var json = JsonDocument.Parse("""{"a":[1,2.5,true,null],"b":{"c":"x"}}""");

        Assert.Equal("""{["a"]={1,2.5,true,null,},["b"]={["c"]="x",},}""", LuaLiteral.Of(json.RootElement));
    }

    [Fact]
    public void Strings_escape_quotes_backslashes_control_and_non_ascii_bytes()
    {
        Assert.Equal("\"say \\034hi\\034 \\092 \\010 caf\\195\\169\"", LuaLiteral.String("say \"hi\" \\ \n café"));
    }
}
