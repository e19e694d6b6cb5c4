using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.Database;

namespace CloudRuntimes.Tests.Conformance;

/// <summary>
/// The database conformance suite: positional parameters bound as values (never spliced into SQL), every value
/// type round-tripping, transactions committing or rolling back as a whole, and failures reported with
/// <see cref="CloudRuntimesErrors.Database"/>.
/// </summary>
public abstract class DatabaseConformance : ComponentConformance<IDatabase>
{
    /// <inheritdoc />
    protected override IDatabase Resolve(CloudRuntimesComponents components, string name) => components.GetDatabase(name);

    private IDatabase Db => Component;

    private async Task CreateTableAsync() => await Db.ExecuteAsync("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL, data BLOB, note TEXT)");

    [Fact]
    public async Task Parameters_bind_positionally_and_values_round_trip_with_their_types()
    {
        await CreateTableAsync();

        var affected = await Db.ExecuteAsync("INSERT INTO items (id, name, price, data, note) VALUES (?, ?, ?, ?, ?)", [7L, "lamp", 19.5, new byte[] { 1, 2, 3 }, null]);
        var rows = await Db.QueryAsync("SELECT id, name, price, data, note FROM items WHERE name = ?", ["lamp"]);

        Assert.Equal(1, affected);
        var row = Assert.Single(rows);
        Assert.Equal(7L, row["id"]);
        Assert.Equal("lamp", row["name"]);
        Assert.Equal(19.5, row["price"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, row["data"]);
        Assert.Null(row["note"]);
    }

    [Fact]
    public async Task Parameter_text_is_never_executed_as_sql()
    {
        await CreateTableAsync();
        const string hostile = "x'); DROP TABLE items; --";

        await Db.ExecuteAsync("INSERT INTO items (id, name) VALUES (?, ?)", [1L, hostile]);

        var rows = await Db.QueryAsync("SELECT name FROM items", []);
        Assert.Equal(hostile, Assert.Single(rows)["name"]);
    }

    [Fact]
    public async Task Committed_transaction_is_visible_and_rolled_back_one_is_not()
    {
        await CreateTableAsync();
        await using (var committed = await Db.BeginTransactionAsync())
        {
            await committed.ExecuteAsync("INSERT INTO items (id, name) VALUES (?, ?)", [1L, "kept"]);
            Assert.Single(await committed.QueryAsync("SELECT id FROM items"));
            await committed.CommitAsync();
        }
        await using (var rolledBack = await Db.BeginTransactionAsync())
        {
            await rolledBack.ExecuteAsync("INSERT INTO items (id, name) VALUES (?, ?)", [2L, "explicit rollback"]);
            await rolledBack.RollbackAsync();
        }
        await using (var abandoned = await Db.BeginTransactionAsync())
        {
            await abandoned.ExecuteAsync("INSERT INTO items (id, name) VALUES (?, ?)", [3L, "disposed without commit"]);
        }

        var rows = await Db.QueryAsync("SELECT id, name FROM items ORDER BY id");
        Assert.Equal(["kept"], rows.Select(r => r["name"]));
    }

    [Fact]
    public async Task Failing_statement_in_a_transaction_leaves_nothing_after_rollback()
    {
        await CreateTableAsync();
        await Db.ExecuteAsync("INSERT INTO items (id, name) VALUES (1, 'original')");

        await using (var transaction = await Db.BeginTransactionAsync())
        {
            await transaction.ExecuteAsync("UPDATE items SET name = ? WHERE id = ?", ["changed", 1L]);
            var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => transaction.ExecuteAsync("INSERT INTO items (id, name) VALUES (1, 'duplicate id')"));
            Assert.Equal(CloudRuntimesErrors.Database.Code, error.ErrorCode);
        }

        Assert.Equal("original", Assert.Single(await Db.QueryAsync("SELECT name FROM items"))["name"]);
    }

    [Fact]
    public async Task Invalid_sql_fails_with_the_database_code_and_the_engine_message()
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Db.QueryAsync("SELEC nonsense"));

        Assert.Equal(CloudRuntimesErrors.Database.Code, error.ErrorCode);
        Assert.Contains("syntax error", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Unsupported_parameter_type_is_rejected()
    {
        await CreateTableAsync();

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Db.ExecuteAsync("INSERT INTO items (id, note) VALUES (1, ?)", [new object()]));

        Assert.Equal(CloudRuntimesErrors.Database.Code, error.ErrorCode);
    }
}
