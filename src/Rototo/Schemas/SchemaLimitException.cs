using System.Text;
using Rototo.Json;

namespace Rototo.Schemas;

/// <summary>Checking a value against a schema passed one of <see cref="BoundedDialects"/>' bounds; the value is refused.</summary>
/// <param name="message">What was passed, in the words of a schema error (the value, the bound).</param>
/// <param name="path">Where in the value (a JSON Pointer such as <c>/user/id</c>).</param>
internal sealed class SchemaLimitException(string message, string path) : Exception(message)
{
    /// <summary>Where in the value the bound was passed.</summary>
    public string Path { get; } = path;

    /// <summary><paramref name="text"/> as a JSON string, cut after <paramref name="max"/> characters with an ellipsis.</summary>
    public static string Quote(string text, int max)
    {
        var builder = new StringBuilder();
        SerdeJson.AppendString(builder, text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…"));
        return builder.ToString();
    }
}
