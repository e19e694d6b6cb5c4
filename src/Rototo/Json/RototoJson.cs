using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Rototo.Json;

/// <summary>
/// The serializer metadata for every type the library turns into or reads from JSON through
/// <see cref="JsonSerializer"/>, generated at compile time so that trimmed and native AOT builds need no reflection.
/// The library writes through it what it already holds, read under <see cref="NestingLimits"/>, and wraps: it allows
/// <see cref="NestingLimits.Written"/> levels.
/// </summary>
[JsonSourceGenerationOptions(MaxDepth = NestingLimits.Written)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(ValueElement))]
internal sealed partial class RototoJson : JsonSerializerContext;

/// <summary>A JSON value carried inside a report node (see <see cref="SerdeJson.Value"/>).</summary>
[JsonConverter(typeof(ValueElementConverter))]
internal readonly record struct ValueElement(JsonElement Element);

/// <summary>Writes a <see cref="ValueElement"/> as the element it carries; reads any JSON value into one.</summary>
internal sealed class ValueElementConverter : JsonConverter<ValueElement>
{
    public override ValueElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(JsonElement.ParseValue(ref reader));

    public override void Write(Utf8JsonWriter writer, ValueElement value, JsonSerializerOptions options) =>
        value.Element.WriteTo(writer);
}
