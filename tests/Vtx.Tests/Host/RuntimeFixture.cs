using System.Text;
using Vtx.Host;
using Vtx.Host.Packaging;
using Vtx.Host.Ports;
using Vtx.Host.Runtime;
using Vtx.Protocol;

namespace Vtx.Tests.Host;

/// <summary>A runtime with short deadlines and a small memory limit, a SQLite file and a file folder.</summary>
public sealed class RuntimeFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public RuntimeFixture()
    {
        Runtime = new VtxRuntime(Options);
        Database = TestDatabase.Open(_folder.File("vtx.db"));
        Directory.CreateDirectory(FilesFolder);
        StreamIo = new StreamIo(new DirectoryFileStore(FilesFolder));
    }

    public static VtxHostOptions Options => new()
    {
        // Long enough for honest calls on a busy CI machine, short enough for the runaway-loop tests.
        HandleTimeout = TimeSpan.FromSeconds(1),
        AuthenticateTimeout = TimeSpan.FromSeconds(1),
        MaxMemoryBytes = 8L * 1024 * 1024,
        MaxLiveHandles = 64,
    };

    public VtxRuntime Runtime { get; }

    public SqlPortDatabase Database { get; }

    public StreamIo StreamIo { get; }

    public string FilesFolder => _folder.File("files");

    public VtxPluginInstance Instantiate(string path) =>
        Runtime.Compile(PluginPackage.Load(path)).CreateInstance(Path.GetFileName(path), Database.Sql(), StreamIo, TimeSpan.FromSeconds(5));

    public static string BodyText(HttpResponse response)
    {
        using var body = response.Body;
        return body is null ? "<none>" : Encoding.UTF8.GetString(body.Read(0, body.Size));
    }

    public void Dispose()
    {
        Runtime.Dispose();
        _folder.Dispose();
    }
}
