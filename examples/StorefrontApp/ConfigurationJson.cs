using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace StorefrontApp;

/// <summary>Turns a configuration section back into JSON text (strings for leaves), for a context kept in appsettings.json.</summary>
public static class ConfigurationJson
{
    /// <summary>The section as a JSON object text; numbers and booleans are recognised from their text.</summary>
    /// <param name="section">The section.</param>
    /// <returns>JSON object text.</returns>
    public static string AsJsonText(this IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return ToNode(section).ToJsonString();
    }

    private static JsonObject ToNode(IConfigurationSection section)
    {
        var node = new JsonObject();
        foreach (var child in section.GetChildren())
        {
            node[child.Key] = child.Value is { } value
                ? (long.TryParse(value, out var number) ? JsonValue.Create(number) : bool.TryParse(value, out var flag) ? JsonValue.Create(flag) : JsonValue.Create(value))
                : ToNode(child);
        }
        return node;
    }
}
