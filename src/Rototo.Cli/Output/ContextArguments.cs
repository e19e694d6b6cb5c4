using System.Text.Json;
using System.Text.Json.Nodes;
using Rototo.Text;

namespace Rototo.Cli.Output;

/// <summary>
/// Builds a resolve context from repeated <c>--context</c> parts (§6): <c>@file</c>, a JSON object,
/// <c>path=value</c> assignments (value parsed as JSON, else taken as a string), merged left to right.
/// </summary>
internal static class ContextArguments
{
    public static ResolveContext Build(IReadOnlyList<string> parts) => ResolveContext.Merge(parts.Select(Parse));

    private static JsonObject Parse(string part)
    {
        if (part.StartsWith('@'))
        {
            var path = part[1..];
            if (path.Length == 0)
            {
                throw new RototoException(RototoErrorCode.InvalidContext, "context file path must not be empty");
            }
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RototoException(RototoErrorCode.InvalidContext, $"failed to read context file {path}: {e.Message}", e);
            }
            return ParseObject(text, path);
        }
        if (part.TrimStart().StartsWith('{'))
        {
            return ParseObject(part, null);
        }
        var equals = part.IndexOf('=', StringComparison.Ordinal);
        if (equals >= 0)
        {
            return Assignment(part[..equals], part[(equals + 1)..]);
        }
        throw new CliError($"--context '{part}' is not a JSON object, @FILE or PATH=VALUE", notes: ["  tip: set one attribute with --context user.tier=premium, or give a whole object: --context '{\"user\":{\"tier\":\"premium\"}}'"]);
    }

    private static JsonObject Assignment(string path, string raw)
    {
        if (path.Length == 0)
        {
            throw new RototoException(RototoErrorCode.InvalidContext, "context assignment path must not be empty");
        }
        var segments = path.Split('.');
        if (segments.Any(s => s.Length == 0))
        {
            throw new RototoException(RototoErrorCode.InvalidContext, $"invalid context path: {path}");
        }
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(raw);
        }
        catch (JsonException)
        {
            value = JsonValue.Create(raw);
        }
        var root = new JsonObject();
        var current = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var next = new JsonObject();
            current[segments[i]] = next;
            current = next;
        }
        current[segments[^1]] = value;
        return root;
    }

    /// <summary>Parses a context object; a JSON error names its line and column in <paramref name="text"/> and shows the line with a caret.</summary>
    /// <param name="text">The JSON text.</param>
    /// <param name="file">The file it came from (<c>@file</c>), or null for text given on the command line.</param>
    private static JsonObject ParseObject(string text, string? file)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            var error = JsonTextError.From(text, e);
            throw new CliError($"invalid context JSON: {error.Message}", $"{file ?? "--context"}:{error.Line}:{error.Column}", error.Snippet());
        }
        return node as JsonObject ?? throw new RototoException(RototoErrorCode.InvalidContext, "context JSON must be an object");
    }
}
