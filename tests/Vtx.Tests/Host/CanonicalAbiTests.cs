using Vtx.Host;
using Vtx.Protocol;

namespace Vtx.Tests.Host;

/// <summary>The world's exports and imports through the canonical ABI, against the C test plugins.</summary>
public sealed class CanonicalAbiTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    [Fact]
    public void Manifest_migrations_and_resources_are_lifted_as_the_plugin_wrote_them()
    {
        using var notes = fixture.Instantiate(TestPlugins.Core("notes"));

        Assert.Equal(new Manifest("notes", "Notes", "1.0.0", "Stores notes in SQL", "/notes"), notes.GetManifest());
        Assert.Equal(
            ["CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT NOT NULL, score REAL)", "ALTER TABLE notes ADD COLUMN tag TEXT"],
            notes.GetMigrations());
        Assert.Equal(["notes"], notes.GetResources());
    }

    [Fact]
    public void Empty_lists_are_lifted_as_empty()
    {
        using var gate = fixture.Instantiate(TestPlugins.Core("gate"));

        Assert.Empty(gate.GetMigrations());
        Assert.Empty(gate.GetResources());
    }

    [Fact]
    public void Buffer_round_trip_creates_sizes_reads_and_drops_a_handle()
    {
        using var notes = fixture.Instantiate(TestPlugins.Core("notes"));

        var response = notes.Handle(new HttpRequest("GET", "/copy", "hello"));

        // "hello" is 5 bytes; read(offset 1, max 3) gives "ell".
        Assert.Equal(200, response.Status);
        Assert.Equal("5:ell", RuntimeFixture.BodyText(response));
        Assert.Equal(0, notes.LiveHandles);
    }

    [Fact]
    public void Body_buffer_moves_to_the_host()
    {
        using var notes = fixture.Instantiate(TestPlugins.Core("notes"));

        var response = notes.Handle(new HttpRequest("GET", "/copy", "abcd"));

        Assert.IsType<MemoryBuffer>(response.Body);
        Assert.Equal("application/json", response.Body!.ContentType);
        Assert.Equal(0, notes.LiveHandles);
        response.Body.Dispose();
    }

    [Fact]
    public void Unknown_route_answers_status_without_body()
    {
        using var notes = fixture.Instantiate(TestPlugins.Core("notes"));

        var response = notes.Handle(new HttpRequest("GET", "/nothing-here", ""));

        Assert.Equal(404, response.Status);
        Assert.Null(response.Body);
    }

    [Fact]
    public void Open_file_returns_the_file_as_the_body_or_uuid_not_found()
    {
        var id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
        File.WriteAllText(Path.Combine(fixture.FilesFolder, id + ".txt"), "file body");
        using var notes = fixture.Instantiate(TestPlugins.Core("notes"));

        var found = notes.Handle(new HttpRequest("GET", "/file", id));
        var missing = notes.Handle(new HttpRequest("GET", "/file", "00000000-0000-4000-8000-000000000000"));

        Assert.Equal(200, found.Status);
        Assert.Equal("text/plain", found.Body!.ContentType);
        Assert.Equal("file body", RuntimeFixture.BodyText(found));
        Assert.Equal(404, missing.Status);
        Assert.Equal("UUID not found", RuntimeFixture.BodyText(missing));
    }

    [Fact]
    public void Authenticate_lowers_headers_and_lifts_user_context_or_status()
    {
        using var gate = fixture.Instantiate(TestPlugins.Core("gate"));

        var alice = gate.Authenticate([new("accept", "*/*"), new("authorization", "Bearer alice")]);
        var blocked = gate.Authenticate([new("authorization", "Bearer blocked")]);
        var nobody = gate.Authenticate([]);

        Assert.True(alice.IsOk);
        Assert.Equal(new UserContext("u-1", "alice", ["admin", "dev"], "{\"plan\":\"pro\"}"), alice.Value);
        Assert.Equal((ushort)403, blocked.Error);
        Assert.Equal((ushort)401, nobody.Error);
    }

    [Fact]
    public void Cabi_realloc_runs_for_every_argument_even_empty_ones_and_post_return_after_each_export()
    {
        using var evil = fixture.Instantiate(TestPlugins.Core("evil"));

        evil.GetManifest();
        evil.GetMigrations();
        var response = evil.Handle(new HttpRequest("GET", "/counts", ""));

        // handle's three strings (method, path, empty query) are each placed with cabi_realloc;
        // get-manifest and get-migrations each have a post-return, handle has none before it runs.
        Assert.Equal("3,2", RuntimeFixture.BodyText(response));
    }

    [Fact]
    public void Non_ascii_strings_cross_the_boundary_as_utf8()
    {
        using var notes = fixture.Instantiate(TestPlugins.Core("notes"));

        var response = notes.Handle(new HttpRequest("GET", "/copy", "héllo"));

        // "héllo" is 6 UTF-8 bytes; bytes 1..3 are "é" (2 bytes) and "l".
        Assert.Equal("6:él", RuntimeFixture.BodyText(response));
    }
}
