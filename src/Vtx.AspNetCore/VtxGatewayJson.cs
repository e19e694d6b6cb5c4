using System.Text.Json.Serialization;

namespace Vtx.AspNetCore;

/// <summary>A host error's body: <c>{"error": "..."}</c>.</summary>
/// <param name="Error">The message.</param>
internal sealed record HostError([property: JsonPropertyName("error")] string Error);

/// <summary>Source-generated JSON metadata of the gateway's own answers (trim- and native AOT-safe).</summary>
[JsonSerializable(typeof(HostError))]
internal sealed partial class VtxGatewayJson : JsonSerializerContext;
