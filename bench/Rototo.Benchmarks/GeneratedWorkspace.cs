using System.Globalization;
using System.Text;

namespace Rototo.Benchmarks;

/// <summary>Writes benchmark workspaces into a temporary directory.</summary>
internal static class GeneratedWorkspace
{
    private const string ContextSchema = """
        {
          "type": "object",
          "properties": {
            "user": {
              "type": "object",
              "properties": {
                "id": { "type": "string" },
                "tier": { "type": "string", "enum": ["free", "plus", "premium"] },
                "country": { "type": "string" },
                "seats": { "type": "integer" }
              }
            }
          }
        }
        """;

    /// <summary>
    /// A workspace with three variables: <c>one-rule</c> (one qualifier rule), <c>bucket-rule</c> (a bucket qualifier)
    /// and <c>five-rules</c> (five rules, none of which match the benchmark context, so all five are evaluated).
    /// </summary>
    public static string Resolution()
    {
        var root = Create();
        Write(root, "qualifiers/premium.toml", Qualifier("user.tier", "eq", "\"premium\""));
        Write(root, "qualifiers/rollout.toml", "schema_version = 1\n\n[[predicate]]\nattribute = \"user.id\"\nop = \"bucket\"\nsalt = \"bench-2026\"\nrange = [0, 5000]\n");
        Write(root, "qualifiers/country-fr.toml", Qualifier("user.country", "eq", "\"FR\""));
        Write(root, "qualifiers/country-it.toml", Qualifier("user.country", "in", "[\"IT\", \"SM\", \"VA\"]"));
        Write(root, "qualifiers/many-seats.toml", Qualifier("user.seats", "gte", "500"));
        Write(root, "qualifiers/plus.toml", Qualifier("user.tier", "eq", "\"plus\""));
        Write(root, "variables/one-rule.toml", Variable("premium"));
        Write(root, "variables/bucket-rule.toml", Variable("rollout"));
        Write(root, "variables/five-rules.toml", Variable("country-fr", "country-it", "many-seats", "plus", "premium"));
        return root;
    }

    /// <summary>A workspace of <paramref name="count"/> variables, each with two rules over ten shared qualifiers.</summary>
    public static string Large(int count)
    {
        var root = Create();
        for (var q = 0; q < 10; q++)
        {
            Write(root, $"qualifiers/segment-{q}.toml", Qualifier("user.seats", "gte", (q * 10).ToString(CultureInfo.InvariantCulture)));
        }
        for (var v = 0; v < count; v++)
        {
            Write(root, $"variables/setting-{v:D4}.toml", Variable($"segment-{v % 10}", $"segment-{(v + 3) % 10}"));
        }
        return root;
    }

    private static string Create()
    {
        var root = Path.Combine(Path.GetTempPath(), "rototo-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        Write(root, "rototo-workspace.toml", "schema_version = 1\n");
        Write(root, "schemas/context.schema.json", ContextSchema);
        return root;
    }

    private static string Qualifier(string attribute, string op, string valueToml) =>
        $"schema_version = 1\n\n[[predicate]]\nattribute = \"{attribute}\"\nop = \"{op}\"\nvalue = {valueToml}\n";

    /// <summary>A string variable with one value per rule plus <c>control</c>, the default.</summary>
    private static string Variable(params string[] qualifiers)
    {
        var text = new StringBuilder("schema_version = 1\ntype = \"string\"\n\n[values]\ncontrol = \"control\"\n");
        foreach (var q in qualifiers)
        {
            text.Append(CultureInfo.InvariantCulture, $"{q} = \"value for {q}\"\n");
        }
        text.Append("\n[resolve]\ndefault = \"control\"\n");
        foreach (var q in qualifiers)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n[[resolve.rule]]\nqualifier = \"{q}\"\nvalue = \"{q}\"\n");
        }
        return text.ToString();
    }

    private static void Write(string root, string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
