
namespace Rototo.Tests.Sources;

/// <summary>The <c>rototo</c> command takes every source form as SOURCE (rototo.md §15, §12.3 token).</summary>
public sealed class CliSourceTests : IAsyncLifetime
{
    private readonly GitRepository _repository = new();
    private HttpsArchiveServer _server = null!;
    private string _certificateFile = "";

    public async ValueTask InitializeAsync()
    {
        _server = await HttpsArchiveServer.StartAsync();
        _certificateFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(_certificateFile, _server.CertificatePem);
        _server.ServeBytes("/private.tar.gz", new ArchiveBuilder().MessageWorkspace("from archive").TarGz(), requireToken: "s3cret");
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _repository.Dispose();
        File.Delete(_certificateFile);
    }

    /// <summary>The child process trusts the test certificate through OpenSSL's <c>SSL_CERT_FILE</c>; the token is cleared unless given.</summary>
    private Dictionary<string, string?> Environment(string? token = null) => new()
    {
        ["SSL_CERT_FILE"] = _certificateFile,
        ["ROTOTO_WORKSPACE_TOKEN"] = token,
    };

    [Fact]
    public async Task Resolve_takes_a_git_source_with_ref_and_subdirectory()
    {
        _repository.WriteMessageWorkspace("from git");
        _repository.Commit("git");

        var result = await CliProcess.RunAsync(Path.GetTempPath(), "resolve", _repository.Source("main:rototo"), "--variable", "message", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"value\": \"from git\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_takes_a_git_https_source_from_a_smart_http_server()
    {
        _repository.WriteMessageWorkspace("from git over https");
        _repository.Commit("https");
        GitHttpBackend.Serve(_server, _repository.CloneBare());
        // git trusts the test certificate through its own configuration (rototo clears GIT_* variables, not HOME).
        var home = Directory.CreateTempSubdirectory("rototo-git-home-").FullName;
        await File.WriteAllTextAsync(Path.Combine(home, ".gitconfig"), $"[http]\n\tsslCAInfo = {_certificateFile}\n");
        try
        {
            var source = $"git+{_server.BaseUrl}/{Path.GetFileName(_repository.Path)}.bare#main:rototo";

            var result = await CliProcess.RunAsync(Path.GetTempPath(), new Dictionary<string, string?> { ["HOME"] = home }, "resolve", source, "--variable", "message", "--json");

            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Contains("\"value\": \"from git over https\"", result.Stdout, StringComparison.Ordinal);
            Assert.Contains(_server.Requests, r => r.StartsWith("POST /" + Path.GetFileName(_repository.Path) + ".bare/git-upload-pack", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Workspace_token_option_authorizes_an_archive()
    {
        var result = await CliProcess.RunAsync(Path.GetTempPath(), Environment(), "resolve", _server.Url("/private.tar.gz"), "--variable", "message", "--workspace-token", "s3cret", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"value\": \"from archive\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workspace_token_comes_from_the_environment_when_the_option_is_absent()
    {
        var result = await CliProcess.RunAsync(Path.GetTempPath(), Environment("s3cret"), "lint", _server.Url("/private.tar.gz"), "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"path\": \"variables/message.toml\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_token_reports_the_http_status_without_a_stack_trace()
    {
        var result = await CliProcess.RunAsync(Path.GetTempPath(), Environment(), "show", _server.Url("/private.tar.gz"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: failed to fetch workspace archive: HTTP 401 Unauthorized: token required", result.Stderr.Trim());
    }

    [Fact]
    public async Task Rejected_form_is_reported_by_every_command()
    {
        var result = await CliProcess.RunAsync(Path.GetTempPath(), "inspect", "git+http://example.com/workspace.git");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: git workspace source scheme is not supported: git+http", result.Stderr.Trim());
    }
}
