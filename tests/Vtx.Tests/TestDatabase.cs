using CloudRuntimes.Components.Sqlite;
using Vtx.Host.Ports;
using Vtx.Protocol;

namespace Vtx.Tests;

/// <summary>The plugins' database in the tests: a real SQLite file behind the database component's SQL port, as the server wires it.</summary>
internal static class TestDatabase
{
    /// <summary>The host's database port on a SQLite file (created when missing).</summary>
    public static SqlPortDatabase Open(string path) => new(new SqliteDatabase(path));

    /// <summary>The plugins' <c>sql</c> import on a SQLite file, without a call deadline, for checking what plugins wrote.</summary>
    public static ISql Sql(string path) => Open(path).Sql();

    /// <summary>The plugins' <c>sql</c> import of a database, without a call deadline.</summary>
    public static ISql Sql(this SqlPortDatabase database) => database.ForCall(CancellationToken.None);

    /// <summary><c>sql.execute</c> as a plugin runs it, without a call deadline.</summary>
    public static WitResult<ulong, string> Execute(this SqlPortDatabase database, string statement, IReadOnlyList<DbValue> parameters) =>
        database.Sql().Execute(statement, parameters);

    /// <summary><c>sql.query-json</c> as a plugin runs it, without a call deadline.</summary>
    public static WitResult<string, string> QueryJson(this SqlPortDatabase database, string statement, IReadOnlyList<DbValue> parameters) =>
        database.Sql().QueryJson(statement, parameters);

    /// <summary>A query in the host's own (trusted) lane, for checking the host's bookkeeping tables.</summary>
    public static string HostQueryJson(string path, string statement, params object?[] parameters)
    {
        using var port = new SqliteDatabase(path);
        var json = new System.Buffers.ArrayBufferWriter<byte>();
        port.QueryJson(statement, parameters, json, CloudRuntimes.Database.SqlCallOptions.Host, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(json.WrittenSpan);
    }

    /// <summary>Applies migrations as the host does at load, without a deadline.</summary>
    public static int ApplyMigrations(this SqlPortDatabase database, string pluginId, IReadOnlyList<string> migrations, IReadOnlyList<string> resources) =>
        database.ApplyMigrations(pluginId, migrations, resources, CancellationToken.None);
}
