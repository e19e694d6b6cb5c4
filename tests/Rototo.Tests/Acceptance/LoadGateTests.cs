namespace Rototo.Tests.Acceptance;

/// <summary>Load gates, inspect-only workspaces and option validation (rototo-acceptance.md F-01..F-03, M-01..M-05).</summary>
public sealed class LoadGateTests
{
    [ReferenceDataFact]
    public async Task Inspected_workspace_lints_clean_but_cannot_resolve()
    {
        var workspace = await Workspace.InspectAsync(TestData.SharedRototo("examples/basic"));

        var lint = await workspace.LintAsync();
        var error = await Assert.ThrowsAsync<RototoException>(() => workspace.ResolveVariableAsync("premium-message", "{}"));

        Assert.Empty(lint.Diagnostics);
        Assert.Contains("workspace was loaded without a runtime model", error.Message, StringComparison.Ordinal);
    }

    [ReferenceDataFact]
    public async Task Workspace_with_lint_errors_is_refused_with_the_diagnostic_count()
    {
        var path = TestData.SharedRototo("tests/fixtures/workspaces/lint-failures");
        var expectedCount = (await (await Workspace.InspectAsync(path)).LintAsync()).Diagnostics.Count;

        var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(path));

        Assert.True(expectedCount > 0);
        Assert.StartsWith($"workspace lint failed with {expectedCount} diagnostic(s)\n  error[rototo/", error.Message, StringComparison.Ordinal);
        Assert.Equal(RototoErrorCode.LintFailed, error.Code);
    }

    [ReferenceDataFact]
    public async Task Workspace_with_only_warnings_loads()
    {
        var workspace = await Workspace.LoadAsync(TestData.SharedRototo("tests/fixtures/workspaces/rules/graph/qualifier-unreferenced"));

        Assert.Equal("unused", workspace.Inspection.Qualifiers[0].Id);
    }

    [ReferenceDataFact]
    public async Task Lint_skip_and_inspect_both_open_a_failing_workspace_without_a_runtime()
    {
        var path = TestData.SharedRototo("tests/fixtures/workspaces/lint-failures");

        var skipped = await Workspace.LoadAsync(path, new WorkspaceLoadOptions { Lint = LintMode.Skip });
        var inspected = await Workspace.InspectAsync(path);

        Assert.NotEmpty(skipped.Inspection.Variables);
        Assert.NotEmpty(inspected.Inspection.Variables);
        Assert.False(skipped.HasRuntime);
    }

    [ReferenceDataFact]
    public async Task Skipped_lint_leaves_no_runtime_model_to_resolve_with()
    {
        var workspace = await Workspace.LoadAsync(TestData.SharedRototo("tests/fixtures/workspaces/bad-context-config"), new WorkspaceLoadOptions { Lint = LintMode.Skip });

        var error = await Assert.ThrowsAsync<RototoException>(() => workspace.ResolveQualifierAsync("anything", "{}"));

        Assert.Contains("loaded without a runtime model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Context_schema_linked_outside_the_workspace_fails_the_load()
    {
        using var temp = new TempWorkspace();
        var outside = Path.Combine(Path.GetDirectoryName(temp.Root)!, Path.GetFileName(temp.Root) + "-outside.schema.json");
        File.WriteAllText(outside, """{"type":"object"}""");
        try
        {
            Directory.CreateDirectory(Path.Combine(temp.Root, "schemas"));
            File.CreateSymbolicLink(Path.Combine(temp.Root, "schemas", "context.schema.json"), outside);

            var error = await Assert.ThrowsAsync<RototoException>(() => Workspace.LoadAsync(temp.Root));
            var lint = await (await Workspace.InspectAsync(temp.Root)).LintAsync();

            Assert.StartsWith("workspace lint failed", error.Message, StringComparison.Ordinal);
            Assert.Contains(lint.Diagnostics, d => d.Rule == "rototo/schema-parse-failed" && d.Message.Contains("path escapes workspace", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public async Task Link_to_a_directory_named_like_a_document_is_skipped_and_a_dangling_link_is_reported()
    {
        // Spec §2.1: symlinks to directories are skipped; a link whose target cannot be read is kept and fails to read.
        using var temp = new TempWorkspace()
            .Write("variables/message.toml", "schema_version = 1\ntype = \"string\"\n\n[values]\na = \"x\"\n\n[resolve]\ndefault = \"a\"\n");
        Directory.CreateDirectory(Path.Combine(temp.Root, "qualifiers", "sub"));
        File.CreateSymbolicLink(Path.Combine(temp.Root, "qualifiers", "dirlink.toml"), Path.Combine(temp.Root, "qualifiers", "sub"));

        var workspace = await Workspace.LoadAsync(temp.Root);
        Assert.Equal("x", (await workspace.ResolveVariableAsync("message", "{}")).GetValue<string>());

        File.CreateSymbolicLink(Path.Combine(temp.Root, "qualifiers", "dangling.toml"), Path.Combine(temp.Root, "qualifiers", "missing.toml"));
        var lint = await (await Workspace.InspectAsync(temp.Root)).LintAsync();
        Assert.Equal(["qualifiers/dangling.toml"], lint.Diagnostics.Where(d => d.Rule == "rototo/qualifier-parse-failed").Select(d => d.Location.Path));
    }

    [Fact]
    public async Task Unknown_lint_mode_is_an_argument_error()
    {
        var options = new WorkspaceLoadOptions { Lint = (LintMode)7 };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Workspace.LoadAsync("examples/storefront", options));

        Assert.Contains("lint must be", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_variable_is_not_found()
    {
        var workspace = await Workspace.LoadAsync(Path.Combine(TestData.RepositoryRoot, "examples", "storefront"));

        var error = await Assert.ThrowsAsync<RototoException>(() => workspace.ResolveVariableAsync("does-not-exist", "{}"));

        Assert.Equal("variable not found: variable://does-not-exist", error.Message);
        Assert.Equal(RototoErrorCode.NotFound, error.Code);
    }
}
