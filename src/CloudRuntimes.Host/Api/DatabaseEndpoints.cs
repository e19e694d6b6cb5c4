using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Database;

namespace CloudRuntimes.Host.Api;

/// <summary>
/// The database building block (not in Dapr; the seed's database API) under <c>/v1.0-alpha1/database/{store}</c>:
/// <c>POST execute</c> and <c>POST query</c> with <c>{"sql": "...", "params": [...]}</c>, and <c>POST transaction</c>
/// with <c>{"statements": [{"sql", "params"}]}</c> applied all-or-nothing. Each statement passes the component's SQL
/// guard (one statement, no attached files or extensions, no connection-changing pragmas, a deadline, a result limit);
/// a statement still running when the server stops is interrupted. Errors name the store.
/// </summary>
internal static class DatabaseEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1.0-alpha1/database/{store}").AddEndpointFilter(NameTheStoreAsync);
        group.MapPost("/execute", async (string store, HttpRequest request, ICloudRuntimesComponents components, IHostApplicationLifetime lifetime, CancellationToken requestAborted) =>
        {
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
            var cancellationToken = stopping.Token;
            var (body, error) = await ApiJson.ReadAsync<StatementBody>(request, cancellationToken);
            if (error is not null || string.IsNullOrEmpty(body!.Sql))
            {
                return error ?? ApiErrors.Malformed("sql is required");
            }
            var rows = await components.GetDatabase(store).ExecuteAsync(body.Sql, Parameters(body.Params), cancellationToken);
            return ApiJson.Result(new JsonObject { ["rowsAffected"] = rows });
        });
        group.MapPost("/query", async (string store, HttpRequest request, ICloudRuntimesComponents components, IHostApplicationLifetime lifetime, CancellationToken requestAborted) =>
        {
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
            var cancellationToken = stopping.Token;
            var (body, error) = await ApiJson.ReadAsync<StatementBody>(request, cancellationToken);
            if (error is not null || string.IsNullOrEmpty(body!.Sql))
            {
                return error ?? ApiErrors.Malformed("sql is required");
            }
            var rows = await components.GetDatabase(store).QueryAsync(body.Sql, Parameters(body.Params), cancellationToken);
            return ApiJson.Result(Rows(rows));
        });
        group.MapPost("/transaction", async (string store, HttpRequest request, ICloudRuntimesComponents components, IHostApplicationLifetime lifetime, CancellationToken requestAborted) =>
        {
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
            var cancellationToken = stopping.Token;
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
                results.Add((JsonNode)new JsonObject { ["rowsAffected"] = await transaction.ExecuteAsync(statement.Sql, Parameters(statement.Params), cancellationToken) });
            }
            await transaction.CommitAsync(cancellationToken);
            return ApiJson.Result(results);
        });
    }

    /// <summary>A failure of the database names the store: <c>database STORE: engine message</c>.</summary>
    private static async ValueTask<object?> NameTheStoreAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (CloudRuntimesException e) when (e.Error != CloudRuntimesErrors.ComponentNotFound)
        {
            throw new CloudRuntimesException(e.Error, $"database {context.HttpContext.GetRouteValue("store")}: {e.Message}", e);
        }
    }

    private static List<object?> Parameters(List<JsonElement>? values) =>
        [.. (values ?? []).Select(v => v.ValueKind switch
        {
            JsonValueKind.String => (object?)ApiJson.Text(v),
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
                    long number => number,
                    int number => number,
                    double number => number,
                    float number => number,
                    decimal number => number,
                    bool flag => flag,
                    _ => Convert.ToString(value, CultureInfo.InvariantCulture),
                };
            }
            return (JsonNode)json;
        })]);

    internal sealed record StatementBody(string? Sql, List<JsonElement>? Params);

    internal sealed record TransactionBody(List<StatementBody>? Statements);
}
