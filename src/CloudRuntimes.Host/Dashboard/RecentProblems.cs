namespace CloudRuntimes.Host.Dashboard;

/// <summary>
/// The last <see cref="Capacity"/> warnings and errors the server logged, for the dashboard: a logger provider beside the
/// console one, so what the log says is what the page shows. An entry logged with a <c>PluginId</c> property (the plugin
/// host's failures) is listed under that plugin.
/// </summary>
internal sealed class RecentProblems : ILoggerProvider
{
    /// <summary>How many entries are kept; older ones are dropped.</summary>
    public const int Capacity = 100;

    private readonly Queue<Problem> _entries = new();
    private readonly System.Threading.Lock _gate = new();

    /// <summary>The kept entries, oldest first.</summary>
    public IReadOnlyList<Problem> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(Problem problem)
    {
        lock (_gate)
        {
            if (_entries.Count == Capacity)
            {
                _entries.Dequeue();
            }
            _entries.Enqueue(problem);
        }
    }

    /// <summary>One logged warning or error.</summary>
    /// <param name="Time">When it was logged.</param>
    /// <param name="Level"><c>warning</c>, <c>error</c> or <c>critical</c>.</param>
    /// <param name="Category">The logger's category.</param>
    /// <param name="Message">The formatted message.</param>
    /// <param name="PluginId">The plugin it is about, when the entry names one.</param>
    internal sealed record Problem(DateTimeOffset Time, string Level, string Category, string Message, string? PluginId);

    private sealed class Logger(RecentProblems owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var plugin = state is IReadOnlyList<KeyValuePair<string, object?>> properties
                ? properties.FirstOrDefault(p => p.Key == "PluginId").Value?.ToString()
                : null;
            var level = logLevel switch { LogLevel.Warning => "warning", LogLevel.Error => "error", _ => "critical" };
            owner.Add(new Problem(DateTimeOffset.UtcNow, level, category, formatter(state, exception), plugin));
        }
    }
}
