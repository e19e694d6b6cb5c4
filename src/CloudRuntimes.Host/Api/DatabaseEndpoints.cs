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
/// a statement still running when the server stops is interrupted. A transaction holds at most
/// <see cref="RuntimeLimits.SqlMaxTransactionStatements"/> statements and must be over within
/// <see cref="RuntimeLimits.SqlTransactionTimeout"/>, else it is rolled back. Errors name the store.
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
        group.MapPost("/transaction", async (string store, HttpRequest request, ICloudRuntimesComponents components, RuntimeOptions options, IHostApplicationLifetime lifetime, CancellationToken requestAborted) =>
        {
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
            var (body, error) = await ApiJson.ReadAsync<TransactionBody>(request, stopping.Token);
            if (error is not null)
            {
                return error;
            }
            var statements = body!.Statements ?? [];
            if (statements.Count > options.Limits.SqlMaxTransactionStatements)
            {
                return ApiErrors.Malformed($"a transaction holds at most {options.Limits.SqlMaxTransactionStatements} statements, got {statements.Count}");
            }
            if (statements.Any(statement => string.IsNullOrEmpty(statement.Sql)))
            {
                return ApiErrors.Malformed("every statement needs sql");
            }
            return ApiJson.Result(await TransactionAsync(components.GetDatabase(store), statements, options.Limits.SqlTransactionTimeout, stopping.Token));
        });
    }

    /// <summary>
    /// Runs <paramref name="statements"/> in one transaction that must be over within <paramref name="timeout"/> from now
    /// (<see cref="RuntimeLimits.SqlTransactionTimeout"/>): past it, the running statement is interrupted and the
    /// transaction rolled back. Returns one <c>{"rowsAffected": n}</c> per statement.
    /// </summary>
    /// <exception cref="CloudRuntimesException">What a statement throws; <see cref="CloudRuntimesErrors.DatabaseTimeout"/> past the deadline.</exception>
    private static async Task<JsonArray> TransactionAsync(IDatabase database, List<StatementBody> statements, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await using var transaction = await database.BeginTransactionAsync(deadline.Token);
            var results = new JsonArray();
            foreach (var statement in statements)
            {
                deadline.Token.ThrowIfCancellationRequested();
                results.Add((JsonNode)new JsonObject { ["rowsAffected"] = await transaction.ExecuteAsync(statement.Sql!, Parameters(statement.Params), deadline.Token) });
            }
            deadline.Token.ThrowIfCancellationRequested();
            await transaction.CommitAsync(deadline.Token);
            return results;
        }
        catch (Exception e) when (e is CloudRuntimesException or OperationCanceledException && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.DatabaseTimeout, $"the transaction ran past its deadline of {timeout.TotalSeconds:0.###} s (--sql-transaction-timeout) and was rolled back", e);
        }
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
