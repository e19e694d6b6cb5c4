using CloudRuntimes.State;

namespace CloudRuntimes.Host.Blocks;

/// <summary>One operation of a transaction as a transport reads it: its type (<c>upsert</c> or <c>delete</c>) and its item.</summary>
/// <param name="Type">The operation type as sent (Dapr: <c>upsert</c>, <c>delete</c>); anything else is refused.</param>
/// <param name="Key">The key; required.</param>
/// <param name="Value">The value of an upsert.</param>
/// <param name="ETag">The expected ETag; null for none.</param>
/// <param name="Concurrency">Concurrency mode.</param>
/// <param name="Consistency">Consistency hint.</param>
/// <param name="Metadata">Item metadata merged over the request's.</param>
internal sealed record TransactionInput(string? Type, string? Key, ReadOnlyMemory<byte> Value, string? ETag, StateConcurrency Concurrency, StateConsistency Consistency, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// The state building block behind both transports (Dapr state API): store look-up, the ETag conflicts each operation
/// reports (<see cref="CloudRuntimesErrors.StateSaveConflict"/>, <see cref="CloudRuntimesErrors.StateDeleteConflict"/>,
/// <see cref="CloudRuntimesErrors.StateTransaction"/>), transaction operation types, the query API and key listing. The
/// answers of bulk get, query and key listing are bounded by <see cref="RuntimeLimits.MaxResponseBytes"/>.
/// </summary>
internal sealed class StateService(ICloudRuntimesComponents components, RuntimeOptions options)
{
    /// <summary>Reads one key; null when it does not exist.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.StateStoreNotFound"/>, a malformed key, or the store's failure.</exception>
    public Task<StateItem?> GetAsync(string store, string key, GetStateOptions options, CancellationToken cancellationToken) =>
        components.GetStateStore(store).GetAsync(key, options, cancellationToken);

    /// <summary>
    /// Reads several keys, one item per key in order (missing keys without a value); none for no keys. The store reads
    /// each distinct key once, bounded by the limit (<see cref="GetStateOptions.MaxValueBytes"/>), and each item is then
    /// counted (a repeated key each time).
    /// </summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResponseTooLarge"/> when the items pass <see cref="RuntimeLimits.MaxResponseBytes"/>.</exception>
    public async Task<IReadOnlyList<BulkStateItem>> GetBulkAsync(string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var stateStore = components.GetStateStore(store);
        var budget = new ResponseBudget(options.Limits.MaxResponseBytes, "ask for fewer keys");
        IReadOnlyList<BulkStateItem> items;
        try
        {
            items = keys.Count == 0 ? [] : await stateStore.GetBulkAsync(keys, new GetStateOptions(Metadata: metadata) { MaxValueBytes = options.Limits.MaxResponseBytes }, cancellationToken);
        }
        catch (CloudRuntimesException e) when (e.Error == CloudRuntimesErrors.ResponseTooLarge)
        {
            throw budget.Exceeded();
        }
        foreach (var item in items)
        {
            budget.Add(item.Key);
            budget.Add(item.Value?.Length ?? 0);
            budget.Add(item.ETag);
            budget.Add(item.Error);
            foreach (var (name, value) in item.Metadata ?? new Dictionary<string, string>())
            {
                budget.Add(name);
                budget.Add(value);
            }
        }
        return items;
    }

    /// <summary>Lists a page of keys (<see cref="IStateStore.ListKeysAsync"/>).</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ResponseTooLarge"/> when the keys pass <see cref="RuntimeLimits.MaxResponseBytes"/>; the store's errors.</exception>
    public async Task<StateKeyPage> ListKeysAsync(string store, StateKeyQuery query, CancellationToken cancellationToken)
    {
        var page = await components.GetStateStore(store).ListKeysAsync(query, cancellationToken);
        var budget = new ResponseBudget(options.Limits.MaxResponseBytes, "ask for a smaller page (limit)");
        foreach (var key in page.Keys)
        {
            budget.Add(key);
        }
        return page;
    }

    /// <summary>Saves items (nothing for none); an ETag mismatch is <see cref="CloudRuntimesErrors.StateSaveConflict"/> (HTTP 409, gRPC Aborted).</summary>
    public async Task SaveAsync(string store, IReadOnlyList<SaveStateItem> items, CancellationToken cancellationToken)
    {
        var stateStore = components.GetStateStore(store);
        if (items.Count == 0)
        {
            return;
        }
        try
        {
            await stateStore.SaveAsync(items, cancellationToken);
        }
        catch (CloudRuntimesException e) when (e.Error == CloudRuntimesErrors.StateETagMismatch)
        {
            // Dapr answers an ETag mismatch on save with ERR_STATE_SAVE (409 / Aborted).
            throw new CloudRuntimesException(CloudRuntimesErrors.StateSaveConflict, e.Message, e);
        }
    }

    /// <summary>Deletes keys; an ETag mismatch is <paramref name="conflict"/> (<see cref="CloudRuntimesErrors.StateDeleteConflict"/> by default).</summary>
    public async Task DeleteAsync(string store, IReadOnlyList<DeleteStateItem> items, CancellationToken cancellationToken, CloudRuntimesError? conflict = null)
    {
        var stateStore = components.GetStateStore(store);
        if (items.Count == 0)
        {
            return;
        }
        try
        {
            await stateStore.DeleteAsync(items, cancellationToken);
        }
        catch (CloudRuntimesException e) when (e.Error == CloudRuntimesErrors.StateETagMismatch)
        {
            throw new CloudRuntimesException(conflict ?? CloudRuntimesErrors.StateDeleteConflict, e.Message, e);
        }
    }

    /// <summary>
    /// Applies a transaction (nothing for no operations). An operation type other than <c>upsert</c> and <c>delete</c> is
    /// <see cref="CloudRuntimesErrors.StateOperationNotSupported"/>, an operation without a key
    /// <see cref="CloudRuntimesErrors.MalformedRequest"/> (nothing is applied then); any failure of the store, an ETag
    /// mismatch included, is <see cref="CloudRuntimesErrors.StateTransaction"/> as Dapr reports it.
    /// </summary>
    public async Task ExecuteTransactionAsync(string store, IReadOnlyList<TransactionInput> inputs, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var stateStore = components.GetStateStore(store);
        var operations = new List<StateOperation>(inputs.Count);
        foreach (var input in inputs)
        {
            if (string.IsNullOrEmpty(input.Key))
            {
                throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "transaction operation request must contain a key");
            }
            operations.Add(input.Type switch
            {
                "upsert" => StateOperation.ForUpsert(new SaveStateItem(input.Key, input.Value, input.ETag, input.Concurrency, input.Consistency, input.Metadata)),
                "delete" => StateOperation.ForDelete(new DeleteStateItem(input.Key, input.ETag, input.Concurrency, input.Metadata)),
                _ => throw new CloudRuntimesException(CloudRuntimesErrors.StateOperationNotSupported, $"operation type {input.Type} not supported"),
            });
        }
        if (operations.Count == 0)
        {
            return;
        }
        try
        {
            await stateStore.ExecuteTransactionAsync(operations, metadata, cancellationToken);
        }
        catch (CloudRuntimesException e) when (e.Error == CloudRuntimesErrors.StateETagMismatch)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.StateTransaction, e.Message, e);
        }
    }

    /// <summary>
    /// Runs a query (its JSON document, within <see cref="RuntimeLimits.StateQuery"/>) until it is answered, its caller
    /// leaves (<paramref name="cancellationToken"/>) or <see cref="RuntimeLimits.StateQueryTimeout"/> passes;
    /// <see cref="CloudRuntimesErrors.StateQuery"/> when the store has no query API, <see cref="CloudRuntimesErrors.MalformedRequest"/>
    /// for a bad or oversized query, <see cref="CloudRuntimesErrors.StateQueryTimeout"/> past the deadline,
    /// <see cref="CloudRuntimesErrors.ResponseTooLarge"/> when the results, or what the store holds to pick them
    /// (<see cref="StateQuery.MaxValueBytes"/>), pass <see cref="RuntimeLimits.MaxResponseBytes"/>.
    /// </summary>
    public async Task<StateQueryResponse> QueryAsync(string store, ReadOnlyMemory<byte> query, CancellationToken cancellationToken)
    {
        if (components.GetStateStore(store) is not IQueryableStateStore queryable)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.StateQuery, $"state store {store} does not support the query API");
        }
        var parsed = StateQuery.Parse(query, options.Limits.StateQuery) with { MaxValueBytes = options.Limits.MaxResponseBytes };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Limits.StateQueryTimeout);
        var budget = new ResponseBudget(options.Limits.MaxResponseBytes, "ask for a smaller or earlier page (page.limit, page.token)");
        StateQueryResponse response;
        try
        {
            response = await queryable.QueryAsync(parsed, deadline.Token);
        }
        catch (CloudRuntimesException e) when (e.Error == CloudRuntimesErrors.ResponseTooLarge)
        {
            throw budget.Exceeded();
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.StateQueryTimeout, $"state store {store}: the query ran past its deadline of {options.Limits.StateQueryTimeout.TotalSeconds:0.###} s (--state-query-timeout) and was stopped; narrow its filter", e);
        }
        foreach (var result in response.Results)
        {
            budget.Add(result.Key);
            budget.Add(result.Data.Length);
            budget.Add(result.ETag);
        }
        return response;
    }

    /// <summary>Dapr's concurrency option by name (<c>first-write</c>; anything else is last-write).</summary>
    public static StateConcurrency Concurrency(string? value) => value == "first-write" ? StateConcurrency.FirstWrite : StateConcurrency.LastWrite;

    /// <summary>Dapr's consistency option by name (<c>strong</c>; anything else is eventual).</summary>
    public static StateConsistency Consistency(string? value) => value == "strong" ? StateConsistency.Strong : StateConsistency.Eventual;
}
