using System.Text;
using Vtx.Protocol;

namespace Vtx.Tests.Protocol;

public sealed class BufferTests
{
    [Fact]
    public void Memory_buffer_reads_by_position_and_returns_fewer_bytes_at_the_end()
    {
        using var buffer = new MemoryBuffer(Encoding.ASCII.GetBytes("hello world"));

        Assert.Equal(11UL, buffer.Size);
        Assert.Equal("world", Encoding.ASCII.GetString(buffer.Read(6, 100)));
        Assert.Equal("ell", Encoding.ASCII.GetString(buffer.Read(1, 3)));
        Assert.Empty(buffer.Read(11, 5));
        Assert.Empty(buffer.Read(ulong.MaxValue, ulong.MaxValue));
    }

    [Fact]
    public void Stream_over_a_buffer_reads_the_whole_content()
    {
        using var buffer = new StreamBuffer(new MemoryStream(Encoding.ASCII.GetBytes("abcdef")), "text/plain");
        using var reader = new StreamReader(buffer.OpenRead());

        Assert.Equal("abcdef", reader.ReadToEnd());
        Assert.Equal("text/plain", buffer.ContentType);
    }

    [Fact]
    public void Reading_a_disposed_buffer_throws()
    {
        var buffer = new MemoryBuffer(new byte[] { 1, 2, 3 });
        buffer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.Read(0, 1));
    }

    [Fact]
    public void Db_values_print_as_their_wit_cases()
    {
        DbValue[] values = [new DbValue.Text("a"), new DbValue.Integer(-5), new DbValue.Real(1.5), DbValue.NullValue];

        Assert.Equal(["text(a)", "integer(-5)", "real(1.5)", "null-val"], values.Select(v => v.ToString()));
    }

    [Fact]
    public void Wit_result_gives_its_payload_only_for_its_own_case()
    {
        var ok = WitResult<ulong, string>.Ok(3);
        var err = WitResult<ulong, string>.Err("SQL Error: x");

        Assert.Equal(3UL, ok.Value);
        Assert.Equal("SQL Error: x", err.Error);
        Assert.Throws<InvalidOperationException>(() => ok.Error);
        Assert.Throws<InvalidOperationException>(() => err.Value);
    }
}
