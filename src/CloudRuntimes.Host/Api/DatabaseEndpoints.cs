using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Database;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// The database building block (not in Dapr; the seed's database API) under <c>/v1.0-alpha1/database/{store}</c>:
/// <c>POST execute</c> and <c>POST query</c> with <c>{"sql": "...", "params": [...]}</c>, and <c>POST transaction</c>
/// with <c>{"statements": [{"sql", "params"}]}</c> applied all-or-nothing.
/// </summary>
internal static class DatabaseEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1.0-alpha1/database/{store}/execute", async (string store, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
        {
            var (body, error) = await ApiJson.ReadAsync<StatementBody>(request, cancellationToken);
            if (error is not null || string.IsNullOrEmpty(body!.Sql))
            {
                return error ?? ApiErrors.Malformed("sql is required");
            }
            var rows = await components.GetDatabase(store).ExecuteAsync(body.Sql, Parameters(body.Params), cancellationToken);
            return Results.Json(new JsonObject { ["rowsAffected"] = rows });
        });
        routes.MapPost("/v1.0-alpha1/database/{store}/query", async (string store, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
        {
            var (body, error) = await ApiJson.ReadAsync<StatementBody>(request, cancellationToken);
            if (error is not null || string.IsNullOrEmpty(body!.Sql))
            {
                return error ?? ApiErrors.Malformed("sql is required");
            }
            var rows = await components.GetDatabase(store).QueryAsync(body.Sql, Parameters(body.Params), cancellationToken);
            return Results.Json(Rows(rows));
        });
        routes.MapPost("/v1.0-alpha1/database/{store}/transaction", async (string store, HttpRequest request, ICloudRuntimesComponents components, CancellationToken cancellationToken) =>
        {
            var (body, error) = await ApiJson.ReadAsync<TransactionBody>(request, cancellationToken);
            if (error is not null)
            {
                return error;
            }
            await using var transaction = await components.GetDatabase(store).BeginTransactionAsync(cancellationToken);
            var results = new JsonArray();
            foreach (var statement in body!.Statements ?? [])
            {
                if (string.IsNullOrEmpty(statement.Sql))
                {
                    return ApiErrors.Malformed("every statement needs sql");
                }
                results.Add(new JsonObject { ["rowsAffected"] = await transaction.ExecuteAsync(statement.Sql, Parameters(statement.Params), cancellationToken) });
            }
            await transaction.CommitAsync(cancellationToken);
            return Results.Json(results);
        });
    }

    private static List<object?> Parameters(List<JsonElement>? values) =>
        [.. (values ?? []).Select(v => v.ValueKind switch
        {
            JsonValueKind.String => (object?)v.GetString(),
            JsonValueKind.Number when v.TryGetInt64(out var integer) => integer,
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => v.GetRawText(),
        })];

    private static JsonArray Rows(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows) =>
        new([.. rows.Select(row =>
        {
            var json = new JsonObject();
            foreach (var (column, value) in row)
            {
                json[column] = value switch
                {
                    null => null,
                    byte[] bytes => Convert.ToBase64String(bytes),
                    _ => JsonSerializer.SerializeToNode(value),
                };
            }
            return (JsonNode)json;
        })]);

    internal sealed record StatementBody(string? Sql, List<JsonElement>? Params);

    internal sealed record TransactionBody(List<StatementBody>? Statements);
}
