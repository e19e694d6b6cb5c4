using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// Source-generated JSON metadata of every body the API reads or writes (trim- and native AOT-safe): case-insensitive
/// property names on input (as Go's decoder), camelCase output, nulls left out.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(BindingsEndpoints.BindingBody))]
[JsonSerializable(typeof(List<PubSubEndpoints.BulkEntryBody>))]
[JsonSerializable(typeof(List<StateEndpoints.StateItemBody>))]
[JsonSerializable(typeof(StateEndpoints.BulkGetBody))]
[JsonSerializable(typeof(StateEndpoints.TransactionBody), TypeInfoPropertyName = "StateTransactionBody")]
[JsonSerializable(typeof(LockEndpoints.LockBody))]
[JsonSerializable(typeof(LockLeaseEndpoints.AcquireBody))]
[JsonSerializable(typeof(JobsEndpoints.JobBody))]
[JsonSerializable(typeof(DatabaseEndpoints.StatementBody))]
[JsonSerializable(typeof(DatabaseEndpoints.TransactionBody), TypeInfoPropertyName = "DatabaseTransactionBody")]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
