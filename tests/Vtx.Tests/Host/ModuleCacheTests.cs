using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Vtx.Host.Lifecycle;
using Vtx.Host.Ports;
using Wasmtime;

namespace Vtx.Tests.Host;

/// <summary>
/// The on-disk cache of compiled modules (<c>VtxHostOptions.ModuleCacheDirectory</c>): a file per module holding
/// Wasmtime's serialized module followed by its 32-byte SHA-256; a restarted host deserializes it instead of compiling;
/// a damaged or foreign file is ignored and replaced, and a cache that cannot be written only costs the cache.
/// </summary>
public sealed class ModuleCacheTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ListLogger _logger = new();

    private string Cache => _folder.File("cache");

    [Fact]
    public void A_restarted_host_takes_the_module_from_the_cache_without_rewriting_it()
    {
        LoadGateOnce();
        var file = Assert.Single(Directory.GetFiles(Cache, "*.cwasm"));
        var written = File.ReadAllBytes(file);
        var writtenAt = File.GetLastWriteTimeUtc(file);
        Assert.Contains(_logger.Entries, e => e.Message.Contains("compiled and stored in the compiled-module cache", StringComparison.Ordinal));
        _logger.Entries.Clear();

        using var second = NewHost();
        second.Load(TestPlugins.Core("gate"));

        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("taken from the compiled-module cache " + file, StringComparison.Ordinal));
        Assert.DoesNotContain(_logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal(written, File.ReadAllBytes(file));
        Assert.Equal(writtenAt, File.GetLastWriteTimeUtc(file));
        Assert.Equal(200, second.Handle("GET", "/gate/whoami", "").Status);
    }

    [Fact]
    public void A_cache_file_is_the_serialized_module_followed_by_its_SHA256()
    {
        LoadGateOnce();

        var content = File.ReadAllBytes(Assert.Single(Directory.GetFiles(Cache, "*.cwasm")));

        Assert.True(content.Length > 32);
        Assert.Equal(SHA256.HashData(content.AsSpan(0, content.Length - 32)), content[^32..]);
        // Wasmtime serializes modules as ELF images.
        Assert.Equal("\u007fELF"u8.ToArray(), content[..4]);
    }

    [Fact]
    public void Different_modules_get_different_cache_files()
    {
        using (var host = NewHost())
        {
            host.Load(TestPlugins.Core("gate"));
            host.Load(TestPlugins.Core("notes"));
        }

        Assert.Equal(2, Directory.GetFiles(Cache, "*.cwasm").Length);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("one byte changed")]
    [InlineData("not a module")]
    [InlineData("empty")]
    public void A_damaged_cache_file_is_ignored_compiled_again_and_replaced(string damage)
    {
        LoadGateOnce();
        var file = Assert.Single(Directory.GetFiles(Cache, "*.cwasm"));
        var good = File.ReadAllBytes(file);
        var damaged = damage switch
        {
            "truncated" => good[..(good.Length / 2)],
            "one byte changed" => ChangeOneByte(good, good.Length / 2),
            "not a module" => "this is not a compiled module, and it is longer than a checksum"u8.ToArray(),
            _ => [],
        };
        File.WriteAllBytes(file, damaged);
        _logger.Entries.Clear();

        using (var second = NewHost())
        {
            second.Load(TestPlugins.Core("gate"));
            Assert.Equal(200, second.Handle("GET", "/gate/whoami", "").Status);
        }

        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"Compiled module {file} is damaged", StringComparison.Ordinal));
        var replaced = File.ReadAllBytes(file);
        Assert.Equal(SHA256.HashData(replaced.AsSpan(0, replaced.Length - 32)), replaced[^32..]);
        _logger.Entries.Clear();
        using var third = NewHost();
        third.Load(TestPlugins.Core("gate"));
        Assert.Contains(_logger.Entries, e => e.Message.Contains("taken from the compiled-module cache", StringComparison.Ordinal));
    }

    [Fact]
    public void A_module_serialized_by_an_engine_with_other_settings_is_compiled_again_and_replaced()
    {
        LoadGateOnce();
        var file = Assert.Single(Directory.GetFiles(Cache, "*.cwasm"));
        // The host's engine uses epoch interruption; this one does not, so its native code does not fit the host's engine.
        using (var config = new Config().WithEpochInterruption(false))
        using (var engine = new Engine(config))
        using (var module = Wasmtime.Module.FromFile(engine, TestPlugins.Core("gate")))
        {
            var foreign = module.Serialize();
            File.WriteAllBytes(file, [.. foreign, .. SHA256.HashData(foreign)]);
        }
        var foreignContent = File.ReadAllBytes(file);
        _logger.Entries.Clear();

        using var second = NewHost();
        second.Load(TestPlugins.Core("gate"));

        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"Compiled module {file} does not fit this engine", StringComparison.Ordinal));
        Assert.Equal(200, second.Handle("GET", "/gate/whoami", "").Status);
        Assert.NotEqual(foreignContent, File.ReadAllBytes(file));
    }

    [Fact]
    public void A_cache_folder_that_cannot_be_created_only_costs_the_cache()
    {
        // A regular file where the cache folder's parent should be: creating the folder fails.
        File.WriteAllText(_folder.File("blocker"), "a file, not a folder");
        using var host = NewHost(Path.Combine(_folder.File("blocker"), "cache"));

        host.Load(TestPlugins.Core("gate"));

        Assert.Equal(200, host.Handle("GET", "/gate/whoami", "").Status);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("not cached in", StringComparison.Ordinal));
    }

    public void Dispose() => _folder.Dispose();

    private void LoadGateOnce()
    {
        using var first = NewHost();
        first.Load(TestPlugins.Core("gate"));
    }

    private VtxPluginHost NewHost(string? cache = null)
    {
        var options = RuntimeFixture.Options;
        options.ModuleCacheDirectory = cache ?? Cache;
        return new VtxPluginHost(TestDatabase.Open(_folder.File("vtx.db")), new DirectoryFileStore(_folder.File("files")), options,
            new Logger<VtxPluginHost>(new SingleLoggerFactory(_logger)));
    }

    private static byte[] ChangeOneByte(byte[] bytes, int index)
    {
        var copy = bytes.ToArray();
        copy[index] ^= 0xFF;
        return copy;
    }
}
