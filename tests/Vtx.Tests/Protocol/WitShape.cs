using System.Text.RegularExpressions;

namespace Vtx.Tests.Protocol;

/// <summary>
/// A comparison-friendly summary of a WIT file: the package line plus, per interface and world,
/// the set of its items (types, uses, functions, imports, exports) with comments and whitespace
/// removed. Two files with equal shapes define the same contract.
/// </summary>
internal sealed partial class WitShape
{
    public string Package { get; private set; } = "";

    public SortedDictionary<string, SortedSet<string>> Containers { get; } = new(StringComparer.Ordinal);

    public static WitShape Parse(string text)
    {
        var tokens = Tokens().Matches(Comments().Replace(text, "")).Select(m => m.Value).ToList();
        var shape = new WitShape();
        var i = 0;
        while (i < tokens.Count)
        {
            if (tokens[i] == "package")
            {
                shape.Package = string.Concat(ReadUntil(tokens, ref i, ";"));
                continue;
            }

            var kind = tokens[i];
            var name = tokens[i + 1];
            Assert.Equal("{", tokens[i + 2]);
            i += 3;
            var items = new SortedSet<string>(StringComparer.Ordinal);
            while (tokens[i] != "}")
            {
                items.Add(ReadItem(tokens, ref i));
            }

            i++;
            shape.Containers[$"{kind} {name}"] = items;
        }

        return shape;
    }

    private static string ReadItem(List<string> tokens, ref int i)
    {
        var start = i;
        var depth = 0;
        while (true)
        {
            var token = tokens[i++];
            if (token == "{")
            {
                depth++;
            }
            else if (token == "}")
            {
                depth--;
                if (depth == 0)
                {
                    break;
                }
            }
            else if (token == ";" && depth == 0)
            {
                break;
            }
        }

        // Trailing commas in variant/record bodies are optional in WIT.
        var itemTokens = tokens.GetRange(start, i - start).Where((t, k) => !(t == "," && tokens[start + k + 1] == "}"));
        return string.Join(' ', itemTokens);
    }

    private static List<string> ReadUntil(List<string> tokens, ref int i, string end)
    {
        var result = new List<string>();
        while (tokens[i] != end)
        {
            result.Add(tokens[i++]);
        }

        i++;
        return result;
    }

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comments();

    [GeneratedRegex(@"[A-Za-z0-9_%:@.\-]+|->|[{}();,<>=*]")]
    private static partial Regex Tokens();
}
