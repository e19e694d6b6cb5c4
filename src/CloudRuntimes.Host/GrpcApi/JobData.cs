using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>
/// A job's payload between the gRPC API (<c>google.protobuf.Any</c>) and the scheduler, which keeps it as JSON (what the
/// HTTP API's <c>data</c> is). A packed <c>google.protobuf.Value</c> (what Dapr's HTTP API stores) is kept as its JSON;
/// any other message as <c>{"@type": type URL, "value": base64 of its bytes}</c>, and comes back as the same <c>Any</c>.
/// </summary>
internal static class JobData
{
    private const string ValueType = "type.googleapis.com/google.protobuf.Value";

    /// <summary>The JSON kept for a payload; empty for none.</summary>
    public static ReadOnlyMemory<byte> ToStored(Any? data)
    {
        if (data is null || (data.TypeUrl.Length == 0 && data.Value.IsEmpty))
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        if (data.TypeUrl == ValueType)
        {
            return Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(Value.Parser.ParseFrom(data.Value)));
        }
        return Api.ApiJson.Bytes(new JsonObject { ["@type"] = data.TypeUrl, ["value"] = data.Value.ToBase64() });
    }

    /// <summary>The <c>Any</c> of a kept payload.</summary>
    public static Any ToAny(ReadOnlyMemory<byte> stored)
    {
        var json = JsonNode.Parse(stored.Span);
        if (json is JsonObject { Count: 2 } wrapped && wrapped["@type"] is JsonValue type && type.TryGetValue<string>(out var url)
            && wrapped["value"] is JsonValue value && value.TryGetValue<string>(out var base64))
        {
            return new Any { TypeUrl = url, Value = ByteString.FromBase64(base64) };
        }
        return Any.Pack(Value.Parser.ParseJson(Encoding.UTF8.GetString(stored.Span)));
    }
}
