using System.Text.Json;
using System.Text.Json.Nodes;

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
            return ParseObject(text);
        }
        if (part.TrimStart().StartsWith('{'))
        {
            return ParseObject(part);
        }
        var equals = part.IndexOf('=', StringComparison.Ordinal);
        if (equals >= 0)
        {
            return Assignment(part[..equals], part[(equals + 1)..]);
        }
        return ParseObject(part);
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

    private static JsonObject ParseObject(string text)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new RototoException(RototoErrorCode.InvalidContext, $"failed to parse context JSON: {e.Message}", e);
        }
        return node as JsonObject ?? throw new RototoException(RototoErrorCode.InvalidContext, "context JSON must be an object");
    }
}
