using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;

namespace CloudRuntimes.Tests.BuiltIn;

/// <summary>
/// <see cref="CloudRuntimesBuilder.BuildAsync"/> creates secret stores first, then the other components at the same time:
/// the slow creations overlap, the result keeps the definition order, and a failure disposes everything created and
/// names the first failing component in that order.
/// </summary>
public sealed class BuilderConcurrencyTests
{
    private const int SlowMilliseconds = 600;

    [Fact]
    public async Task Slow_components_are_created_at_the_same_time_and_listed_in_definition_order()
    {
        var factory = new RecordingFactory();
        var builder = new CloudRuntimesBuilder("app", Path.GetTempPath()).AddFactory(factory.Slow).AddFactory(factory.Failing);
        builder.AddComponent("first", "test.slow").AddComponent("second", "test.slow").AddComponent("third", "test.slow");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var components = await builder.BuildAsync();

        // One after the other they would take 3 x 600 ms; at the same time they take about 600 ms. Two overlapping
        // creations (at most 1,200 ms) are the least this must show on any machine with two threads to spare.
        Assert.True(clock.ElapsedMilliseconds < 3 * SlowMilliseconds, $"three slow creations took {clock.ElapsedMilliseconds} ms");
        Assert.True(factory.MostAtOnce >= 2, $"at most {factory.MostAtOnce} creation(s) ran at once");
        Assert.Equal(["first", "second", "third"], components.Components.Select(c => c.Name));
    }

    [Fact]
    public async Task A_failure_disposes_what_was_created_and_names_the_first_failing_component_in_definition_order()
    {
        var factory = new RecordingFactory();
        var builder = new CloudRuntimesBuilder("app", Path.GetTempPath()).AddFactory(factory.Slow).AddFactory(factory.Failing);
        builder.AddComponent("ok-1", "test.slow").AddComponent("broken-a", "test.failing").AddComponent("ok-2", "test.slow").AddComponent("broken-b", "test.failing");

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => builder.BuildAsync());

        Assert.Equal("component 'broken-a' is broken", error.Message);
        Assert.Equal(["ok-1", "ok-2"], factory.Disposed.Order(StringComparer.Ordinal));
    }

    /// <summary>Component types for the tests: <c>test.slow</c> takes 600 ms to create; <c>test.failing</c> throws.</summary>
    private sealed class RecordingFactory
    {
        private int _running;
        private int _mostAtOnce;

        public RecordingFactory()
        {
            Slow = new TestFactory("test.slow", definition =>
            {
                var running = Interlocked.Increment(ref _running);
                InterlockedMax(ref _mostAtOnce, running);
                Thread.Sleep(SlowMilliseconds);
                Interlocked.Decrement(ref _running);
                return new Disposable(() => Disposed.Add(definition.Name));
            });
            Failing = new TestFactory("test.failing", definition => throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"component '{definition.Name}' is broken"));
        }

        public IComponentFactory<IDisposable> Slow { get; }

        public IComponentFactory<IDisposable> Failing { get; }

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public System.Collections.Concurrent.ConcurrentBag<string> Disposed { get; } = [];

        private static void InterlockedMax(ref int target, int value)
        {
            var current = Volatile.Read(ref target);
            while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
            {
                current = seen;
            }
        }
    }

    private sealed class TestFactory(string type, Func<ComponentDefinition, IDisposable> create) : IComponentFactory<IDisposable>
    {
        public string Type => type;

        public ValueTask<IDisposable> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(create(definition));
    }

    private sealed class Disposable(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
