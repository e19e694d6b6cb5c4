using System.Diagnostics.Metrics;
using CloudRuntimes.Telemetry;

namespace CloudRuntimes.Components.Sqlite;

/// <summary>
/// SQLite's own memory accounting on the <see cref="CloudRuntimesTelemetry.Meter"/>: the gauge
/// <c>cloudruntimes.sqlite.memory.used</c> (bytes, <c>sqlite3_memory_used</c>) covers every connection of the process,
/// page caches included, so an operator can tell SQLite's share of the process's native memory.
/// </summary>
internal static class SqliteTelemetry
{
    private static readonly ObservableGauge<long> MemoryUsed = CloudRuntimesTelemetry.Meter.CreateObservableGauge(
        "cloudruntimes.sqlite.memory.used", () => SQLitePCL.raw.sqlite3_memory_used(), "By", "Memory SQLite holds for all connections of the process");

    /// <summary>Creates the instruments (once per process).</summary>
    public static void Register()
    {
        // The native library must be bound before the gauge is read, even if no connection has been opened yet.
        SQLitePCL.Batteries_V2.Init();
        GC.KeepAlive(MemoryUsed);
    }
}
