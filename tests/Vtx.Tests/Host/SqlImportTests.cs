using Vtx.Protocol;

namespace Vtx.Tests.Host;

/// <summary>sql.execute and sql.query-json from a plugin against a real SQLite file.</summary>
public sealed class SqlImportTests : IDisposable
{
    private readonly RuntimeFixture _fixture = new();

    public SqlImportTests()
    {
        _fixture.Database.ApplyMigrations("notes",
            ["CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT NOT NULL, score REAL)", "ALTER TABLE notes ADD COLUMN tag TEXT"], ["notes"]);
    }

    [Fact]
    public void Execute_binds_text_real_and_null_by_position_and_reports_rows_changed()
    {
        using var notes = _fixture.Instantiate(TestPlugins.Core("notes"));

        var first = notes.Handle(new HttpRequest("POST", "/add", "first"));

        Assert.Equal(201, first.Status);
        Assert.Equal("{\"inserted\":1}", RuntimeFixture.BodyText(first));
    }

    [Fact]
    public void Query_json_returns_rows_as_objects_keyed_by_column()
    {
        using (var writer = _fixture.Instantiate(TestPlugins.Core("notes")))
        {
            writer.Handle(new HttpRequest("POST", "/add", "first")).Body?.Dispose();
            writer.Handle(new HttpRequest("POST", "/add", "second \"quoted\"")).Body?.Dispose();
        }

        using var reader = _fixture.Instantiate(TestPlugins.Core("notes"));
        var list = reader.Handle(new HttpRequest("GET", "", ""));

        Assert.Equal(200, list.Status);
        Assert.Equal(
            """[{"id":1,"score":1.5,"tag":null,"title":"first"},{"id":2,"score":1.5,"tag":null,"title":"second \"quoted\""}]""",
            RuntimeFixture.BodyText(list));
    }

    [Fact]
    public void Execute_error_comes_back_to_the_plugin_as_a_prefixed_string()
    {
        using var notes = _fixture.Instantiate(TestPlugins.Core("notes"));

        var response = notes.Handle(new HttpRequest("GET", "/bad-sql", ""));

        Assert.Equal(400, response.Status);
        Assert.Equal("SQL Error: no such table: missing", RuntimeFixture.BodyText(response));
    }

    [Fact]
    public void Parameter_count_must_match_the_statement()
    {
        var result = _fixture.Database.Execute("INSERT INTO notes(title) VALUES (?)", []);

        Assert.Equal("SQL Error: Wrong number of parameters passed to query. Got 0, needed 1", result.Error);
    }

    [Fact]
    public void Multiple_statements_in_one_call_are_refused()
    {
        var result = _fixture.Database.Execute("DELETE FROM notes; DROP TABLE notes", []);

        Assert.Equal("SQL Error: Multiple statements provided", result.Error);
        Assert.True(_fixture.Database.QueryJson("SELECT count(*) AS n FROM notes", []).IsOk);
    }

    [Fact]
    public void Execute_refuses_a_statement_that_returns_rows()
    {
        var result = _fixture.Database.Execute("SELECT 1", []);

        Assert.False(result.IsOk);
        Assert.StartsWith("SQL Error: Execute returned results", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_json_maps_sqlite_types_like_the_reference_host()
    {
        var result = _fixture.Database.QueryJson(
            "SELECT ?1 AS i, ?2 AS r, ?3 AS t, NULL AS n, x'00ff' AS b, 9e999 AS inf, 1 AS d, 2 AS d",
            [new DbValue.Integer(-7), new DbValue.Real(0.25), new DbValue.Text("ü")]);

        // Keys in serde_json's map order (UTF-8 byte order); the later "d" replaces the earlier one.
        Assert.Equal("""[{"b":"<BLOB>","d":2,"i":-7,"inf":null,"n":null,"r":0.25,"t":"ü"}]""", result.Value);
    }

    [Fact]
    public void Query_json_errors_are_not_prefixed()
    {
        var result = _fixture.Database.QueryJson("SELECT * FROM nowhere", []);

        Assert.Equal("no such table: nowhere", result.Error);
    }

    public void Dispose() => _fixture.Dispose();
}
