namespace CloudRuntimes.Database;

/// <summary>
/// A SQL database (the seed's database block; served under <c>/v1.0-alpha1/database/{store}</c>).
/// Statements take positional parameters (<c>?</c>, <c>?1</c>, ... as the engine writes them); parameter
/// values are null, <see cref="bool"/>, <see cref="long"/>, <see cref="double"/>, <see cref="string"/> or
/// <c>byte[]</c>. Rows come back as column-name → value maps with values of the same types.
/// </summary>
public interface IDatabase
{
    /// <summary>Executes a statement.</summary>
    /// <param name="sql">The SQL text.</param>
    /// <param name="parameters">Positional parameter values.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Rows affected.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.Database"/> with the engine's message.</exception>
    Task<long> ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>Runs a query.</summary>
    /// <param name="sql">The SQL text.</param>
    /// <param name="parameters">Positional parameter values.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The rows.</returns>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.Database"/>.</exception>
    Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>Starts a transaction; disposing it without <see cref="IDatabaseTransaction.CommitAsync"/> rolls back.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The transaction.</returns>
    Task<IDatabaseTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default);
}

/// <summary>A database transaction: statements see each other's effects; nothing is visible outside until commit.</summary>
public interface IDatabaseTransaction : IAsyncDisposable
{
    /// <summary>Executes a statement inside the transaction.</summary>
    /// <param name="sql">The SQL text.</param>
    /// <param name="parameters">Positional parameter values.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Rows affected.</returns>
    Task<long> ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>Runs a query inside the transaction.</summary>
    /// <param name="sql">The SQL text.</param>
    /// <param name="parameters">Positional parameter values.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The rows.</returns>
    Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>Commits.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when committed.</returns>
    Task CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>Rolls back.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when rolled back.</returns>
    Task RollbackAsync(CancellationToken cancellationToken = default);
}
