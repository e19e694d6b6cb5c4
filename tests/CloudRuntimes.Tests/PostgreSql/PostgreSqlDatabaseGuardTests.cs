using CloudRuntimes.Components.Composition;
using CloudRuntimes.Components.PostgreSql;
using CloudRuntimes.Database;
using CloudRuntimes.Tests.Support;

namespace CloudRuntimes.Tests.PostgreSql;

/// <summary>
/// <c>database.postgresql</c>'s guard against hostile SQL on a real PostgreSQL: what it refuses (and that the refused
/// statement did nothing), the statement deadline, the result limit, and that nothing a call does stays on the pooled
/// connection for the next call.
/// </summary>
public sealed class PostgreSqlDatabaseGuardTests(PostgresServer postgres) : IAsyncLifetime
{
    private CloudRuntimesComponents? _components;

    private IDatabase Db
    {
        get
        {
            Assert.SkipWhen(postgres.SkipReason is not null, postgres.SkipReason ?? "");
            return _components!.GetDatabase("db");
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (postgres.SkipReason is not null)
        {
            return;
        }
        var metadata = new Dictionary<string, string>(postgres.NewSchemaMetadata()) { ["statementTimeout"] = "500ms", ["maxResultBytes"] = "4096" };
        _components = await new CloudRuntimesBuilder("guard", Path.GetTempPath()).AddPostgreSqlComponents().AddComponent("db", "database.postgresql", metadata).BuildAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_components is not null)
        {
            await _components.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("COPY (SELECT 1) TO PROGRAM 'touch /tmp/cr-pwned'", "COPY statements are not allowed")]
    [InlineData("copy t from '/etc/passwd'", "COPY statements are not allowed")]
    [InlineData("SET statement_timeout = 0", "SET statements are not allowed")]
    [InlineData("RESET ALL", "RESET statements are not allowed")]
    [InlineData("BEGIN", "BEGIN statements are not allowed")]
    [InlineData("DO $$ BEGIN PERFORM pg_sleep(0); END $$", "DO statements are not allowed")]
    [InlineData("LISTEN channel", "LISTEN statements are not allowed")]
    [InlineData("SELECT pg_read_file('/etc/passwd')", "function pg_read_file is not allowed")]
    [InlineData("SELECT * FROM pg_catalog.PG_LS_DIR('.')", "function pg_ls_dir is not allowed")]
    [InlineData("SELECT \"set_config\"('statement_timeout', '0', false)", "function set_config is not allowed")]
    [InlineData("SELECT pg_advisory_lock(1)", "function pg_advisory_lock is not allowed")]
    [InlineData("SELECT query_to_xml('select pg_read_file(''/etc/passwd'')', true, true, '')", "function query_to_xml is not allowed")]
    [InlineData("CREATE TEMP TABLE t (x int)", "temporary objects are not allowed")]
    [InlineData("SELECT 1 INTO TEMPORARY t", "temporary objects are not allowed")]
    [InlineData("CREATE OR REPLACE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql", "CREATE FUNCTION is not allowed (tables, indexes, views, sequences, types, domains and schemas only)")]
    [InlineData("ALTER SYSTEM SET fsync = off", "ALTER SYSTEM is not allowed (tables, indexes, views, sequences, types, domains and schemas only)")]
    [InlineData("EXPLAIN ANALYZE EXECUTE p", "EXECUTE is not allowed")]
    [InlineData("SELECT * FROM sys_plugin_state", "table sys_plugin_state is reserved for the host")]
    public async Task Refused_statement_fails_as_forbidden_with_the_reason(string sql, string reason)
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Db.QueryAsync(sql));

        Assert.Equal(CloudRuntimesErrors.DatabaseForbidden.Code, error.ErrorCode);
        Assert.Equal(reason, error.Message);
        Assert.False(File.Exists("/tmp/cr-pwned"));
    }

    [Theory]
    [InlineData("CREATE TABLE a (x int); DROP TABLE a")]
    [InlineData("SELECT 1; SELECT pg_read_file('/etc/passwd')")]
    [InlineData("SELECT 1 /* ; */ ; -- fine\n SELECT 2")]
    public async Task Several_statements_are_refused_and_none_runs(string sql)
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Db.ExecuteAsync(sql));

        Assert.Equal(CloudRuntimesErrors.MalformedRequest.Code, error.ErrorCode);
        Assert.Equal("Multiple statements provided", error.Message);
        Assert.Empty(await Db.QueryAsync("SELECT 1 FROM pg_tables WHERE tablename = 'a' AND schemaname = current_schema()"));
    }

    [Fact]
    public async Task Semicolons_and_question_marks_inside_literals_comments_and_dollar_quotes_are_text()
    {
        var rows = await Db.QueryAsync("SELECT 'a;b?' AS s, $x$ ; ? $x$ AS d, E'\\';?' AS e, \"?\" FROM (SELECT ? AS \"?\") q -- ; ?\n;", ["p"]);

        var row = Assert.Single(rows);
        Assert.Equal("a;b?", row["s"]);
        Assert.Equal(" ; ? ", row["d"]);
        Assert.Equal("';?", row["e"]);
        Assert.Equal("p", row["?"]);
    }

    [Fact]
    public async Task Wrong_parameter_count_and_mixed_placeholder_styles_are_malformed()
    {
        var count = await Assert.ThrowsAsync<CloudRuntimesException>(() => Db.QueryAsync("SELECT ?, ?", [1L]));
        var mixed = await Assert.ThrowsAsync<CloudRuntimesException>(() => Db.QueryAsync("SELECT ?, $2", [1L, 2L]));

        Assert.Equal("Wrong number of parameters passed to query. Got 1, needed 2", count.Message);
        Assert.Equal(CloudRuntimesErrors.MalformedRequest.Code, mixed.ErrorCode);
        Assert.Equal(3L, Assert.Single(await Db.QueryAsync("SELECT $1::bigint + $2 AS n", [1L, 2L]))["n"]);
    }

    [Fact]
    public async Task Statement_past_its_deadline_is_stopped_and_the_connection_stays_usable()
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Db.QueryAsync("SELECT pg_sleep(5)"));

        Assert.Equal(CloudRuntimesErrors.DatabaseTimeout.Code, error.ErrorCode);
        Assert.Equal(1L, Assert.Single(await Db.QueryAsync("SELECT 1 AS one"))["one"]);
    }

    [Fact]
    public async Task Result_past_the_limit_is_stopped_while_it_streams()
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Db.QueryAsync("SELECT repeat('x', 100) AS filler FROM generate_series(1, 200000)"));

        Assert.Equal(CloudRuntimesErrors.DatabaseResultTooLarge.Code, error.ErrorCode);
        Assert.Equal(1L, Assert.Single(await Db.QueryAsync("SELECT 1 AS one"))["one"]);
    }

    [Fact]
    public async Task Session_settings_keep_the_deadline_on_every_pooled_connection()
    {
        // Whatever ran before on a pooled connection, each call starts with the component's deadline.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("500ms", Assert.Single(await Db.QueryAsync("SELECT current_setting('statement_timeout') AS t"))["t"]);
        }
    }
}
