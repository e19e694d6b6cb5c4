using System.Buffers.Binary;
using System.Formats.Tar;
using Rototo.Sources;

namespace Rototo.Tests.Sources;

/// <summary>
/// Archive limits that a lying or oversized header cannot get past (issue #12): tar extended headers count toward
/// <see cref="WorkspaceSourceOptions.MaxUnpackedBytes"/> before they are read, and a zip entry whose data is longer
/// than declared is refused rather than cut off. Served over real HTTPS, staged by the library and by the CLI.
/// </summary>
public sealed class ArchiveLimitTests : IAsyncLifetime
{
    private const long DefaultUnpackedLimit = 200L * 1024 * 1024;
    private HttpsArchiveServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await HttpsArchiveServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A valid archive of about 400 KB: a PAX header holding one 400 MiB record, then a small workspace.</summary>
    private static byte[] PaxBomb()
    {
        const long size = 400L * 1024 * 1024;
        return new RawTar().Header("PaxHeaders/big", 'x', size).PaxRecord("comment", size).Pad(size)
            .File("rototo-workspace.toml", "schema_version = 1\n").End();
    }

    /// <summary>A GNU long-name header of 1 GiB (the name of the next entry), then that entry.</summary>
    private static byte[] LongNameBomb()
    {
        const long size = 1024L * 1024 * 1024;
        return new RawTar().Header("././@LongLink", 'L', size).Repeat((byte)'a', size).Pad(size)
            .File("ignored", "x").End();
    }

    [Fact]
    public async Task A_400_MiB_pax_header_in_a_small_archive_counts_toward_the_unpacked_limit()
    {
        var archive = PaxBomb();
        Assert.InRange(archive.Length, 1, 1024 * 1024);
        var source = Serve(archive);

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(source, _server.SourceOptions(), Token));

        Assert.Equal(
            $"workspace archive decompressed content is too large: exceeded limit of {DefaultUnpackedLimit} bytes ({source}: PAX extended header 1 (PaxHeaders/big) of 419430400 bytes)",
            error.Message);
    }

    [Fact]
    public async Task A_1_GiB_gnu_long_name_is_refused_before_it_is_read()
    {
        var source = Serve(LongNameBomb());

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(source, _server.SourceOptions(), Token));

        Assert.Equal(
            $"workspace archive decompressed content is too large: exceeded limit of {DefaultUnpackedLimit} bytes ({source}: GNU extended header 1 (././@LongLink) of 1073741824 bytes)",
            error.Message);
    }

    [Fact]
    public async Task Extended_headers_within_the_limit_are_read_as_before()
    {
        // A GNU archive with a 150-character path (a long-name header) and a PAX archive with a 300-character one.
        var folder = "rototo/" + new string('d', 140) + "/";
        var gnu = new ArchiveBuilder().MessageWorkspace("gnu", folder).TarGz(TarEntryFormat.Gnu);
        var pax = new ArchiveBuilder().MessageWorkspace("pax", folder + new string('e', 150) + "/").TarGz(TarEntryFormat.Pax);

        var stagedGnu = await WorkspaceSources.StageAsync(Serve(gnu) + "#:" + folder.TrimEnd('/'), _server.SourceOptions(), Token);
        var stagedPax = await WorkspaceSources.StageAsync(Serve(pax) + "#:" + folder + new string('e', 150), _server.SourceOptions(), Token);

        Assert.Contains("\"gnu\"", File.ReadAllText(Path.Combine(stagedGnu.Root, "variables", "message.toml")), StringComparison.Ordinal);
        Assert.Contains("\"pax\"", File.ReadAllText(Path.Combine(stagedPax.Root, "variables", "message.toml")), StringComparison.Ordinal);
        stagedGnu.Release();
        stagedPax.Release();
    }

    [Fact]
    public async Task Zip_entry_longer_than_its_declared_size_is_refused_not_cut_off()
    {
        // A real zip whose message.toml sizes (local header and central directory) claim 10 bytes: a zip reader
        // stops after 10, which would leave "schema_ver" as the variable file.
        var zip = DeclareSize(new ArchiveBuilder().MessageWorkspace("hello").Zip(), "variables/message.toml", 10);

        var error = await Assert.ThrowsAsync<RototoException>(() => WorkspaceSources.StageAsync(Serve(zip), _server.SourceOptions(), Token));

        Assert.Equal("failed to read workspace archive: entry variables/message.toml does not match its declared size and CRC-32", error.Message);
    }

    [Fact]
    public async Task Cli_refuses_the_pax_bomb_with_the_limit_message_and_no_stack_trace()
    {
        var certificate = Path.GetTempFileName();
        await File.WriteAllTextAsync(certificate, _server.CertificatePem, Token);
        try
        {
            var source = Serve(PaxBomb());

            var result = await CliProcess.RunAsync(Path.GetTempPath(), new Dictionary<string, string?> { ["SSL_CERT_FILE"] = certificate }, "lint", source);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains($"workspace archive decompressed content is too large: exceeded limit of {DefaultUnpackedLimit} bytes ({source}: PAX extended header 1", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(certificate);
        }
    }

    private string Serve(byte[] archive)
    {
        var path = $"/limit-{Guid.NewGuid():N}";
        _server.ServeBytes(path, archive);
        return _server.Url(path);
    }

    /// <summary>Rewrites the uncompressed size of <paramref name="name"/> in its local header and its central directory record.</summary>
    private static byte[] DeclareSize(byte[] zip, string name, int size)
    {
        var patched = (byte[])zip.Clone();
        var nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
        var found = 0;
        for (var i = 0; i + 46 < patched.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(patched.AsSpan(i));
            var (sizeOffset, nameOffset) = signature switch
            {
                0x04034b50 => (22, 30), // local file header
                0x02014b50 => (24, 46), // central directory file header
                _ => (-1, -1),
            };
            if (sizeOffset < 0 || !patched.AsSpan(i + nameOffset).StartsWith(nameBytes))
            {
                continue;
            }
            BinaryPrimitives.WriteInt32LittleEndian(patched.AsSpan(i + sizeOffset), size);
            found++;
        }
        Assert.Equal(2, found);
        return patched;
    }
}
