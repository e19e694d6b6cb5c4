using System.Globalization;

namespace CloudRuntimes.LoadTests;

/// <summary>The 1/5/15-minute load averages (as <c>uptime</c> prints them), read from <c>/proc/loadavg</c>.</summary>
internal sealed record LoadAverage(string OneFiveFifteen)
{
    public static LoadAverage Read()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return new LoadAverage(string.Join(' ', fields.Take(3)));
        }
        catch (IOException)
        {
            return new LoadAverage("n/a");
        }
    }

    public override string ToString() => OneFiveFifteen;

    /// <summary>Processors the load is shared among.</summary>
    public static string Cores => Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
}
