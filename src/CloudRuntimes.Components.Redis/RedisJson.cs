using System.Text.Json.Serialization;

namespace CloudRuntimes.Components.Redis;

/// <summary>Source-generated JSON metadata of what the Redis components write as JSON (trim- and native AOT-safe).</summary>
[JsonSerializable(typeof(RedisStateStore.ScanToken))]
internal sealed partial class RedisJson : JsonSerializerContext;
