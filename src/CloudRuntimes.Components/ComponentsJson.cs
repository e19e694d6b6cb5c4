using System.Text.Json.Serialization;

namespace CloudRuntimes.Components;

/// <summary>Source-generated JSON metadata of what the components store or answer as JSON (trim- and native AOT-safe).</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class ComponentsJson : JsonSerializerContext;
