using System.Text;

namespace Vtx.Host.Components.Wasi;

/// <summary>
/// stdout or stderr of a plugin: bytes are split into lines (at most 4 KiB each) and logged by <see cref="WasiContext"/>;
/// a last line without a newline is logged when the stream is closed (toolchains flush after every write, even mid-line).
/// </summary>
internal sealed class LogOutputStream(WasiContext wasi, bool error) : OutputStream
{
    private const int MaxLine = 4096;
    private readonly List<byte> _pending = [];

    public override bool Write(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b == (byte)'\n')
            {
                Emit();
                continue;
            }

            _pending.Add(b);
            if (_pending.Count >= MaxLine)
            {
                Emit();
            }
        }

        return true;
    }

    protected override void Close()
    {
        if (_pending.Count > 0)
        {
            Emit();
        }
    }

    private void Emit()
    {
        var line = Encoding.UTF8.GetString(_pending.ToArray()).TrimEnd('\r');
        _pending.Clear();
        wasi.Log(line, error);
    }
}
