using CloudRuntimes.Bindings;
using CloudRuntimes.Components.Bindings;
using CloudRuntimes.Components.Files;
using CloudRuntimes.Components.Lock;
using CloudRuntimes.Components.PubSub;
using CloudRuntimes.Components.Secrets;
using CloudRuntimes.Components.State;
using CloudRuntimes.Files;
using CloudRuntimes.Lock;
using CloudRuntimes.PubSub;
using CloudRuntimes.Secrets;
using CloudRuntimes.State;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.Composition;

/// <summary>
/// The component types this project provides, registered with every builder:
/// <list type="table">
/// <item><term><c>state.in-memory</c></term><description>process-local state (ETag, transactions, TTL, query).</description></item>
/// <item><term><c>pubsub.in-memory</c></term><description>process-local pub/sub with the full delivery semantics.</description></item>
/// <item><term><c>lock.in-memory</c></term><description>process-local locks.</description></item>
/// <item><term><c>file.local</c></term><description>a file store; metadata <c>rootPath</c> (default <c>{dataDirectory}/{name}</c>).</description></item>
/// <item><term><c>bindings.localstorage</c></term><description>output binding over a directory; metadata <c>rootPath</c> (required).</description></item>
/// <item><term><c>secretstores.local.env</c></term><description>environment variables; metadata <c>prefix</c> (optional).</description></item>
/// <item><term><c>secretstores.local.file</c></term><description>a JSON file; metadata <c>secretsFile</c> (required), <c>nestedSeparator</c> (default <c>:</c>), <c>multiValued</c> (default false).</description></item>
/// <item><term><c>bindings.cron</c></term><description>input binding; metadata <c>schedule</c> (required).</description></item>
/// <item><term><c>bindings.http</c></term><description>output binding; metadata <c>url</c> (required), <c>responseTimeout</c> (Go duration, default 100s).</description></item>
/// </list>
/// </summary>
internal static class BuiltInComponents
{
    public static void Register(CloudRuntimesBuilder builder) => builder
        .AddFactory(new InMemoryStateStoreFactory())
        .AddFactory(new InMemoryPubSubFactory())
        .AddFactory(new InMemoryLockStoreFactory())
        .AddFactory(new LocalFileStoreFactory())
        .AddFactory(new LocalStorageBindingFactory())
        .AddFactory(new EnvironmentSecretStoreFactory())
        .AddFactory(new JsonFileSecretStoreFactory())
        .AddFactory(new CronBindingFactory())
        .AddFactory(new HttpBindingFactory());

    private sealed class InMemoryStateStoreFactory : IComponentFactory<IStateStore>
    {
        public string Type => "state.in-memory";

        public IReadOnlyList<string> Capabilities(ComponentDefinition definition) => StateStoreBase.QueryableCapabilities;

        public ValueTask<IStateStore> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IStateStore>(new InMemoryStateStore(definition.Name));
    }

    private sealed class InMemoryPubSubFactory : IComponentFactory<IPubSub>
    {
        public string Type => "pubsub.in-memory";

        public ValueTask<IPubSub> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IPubSub>(TopicLogPubSub.For(definition, context, () => new InMemoryTopicLog()));
    }

    private sealed class InMemoryLockStoreFactory : IComponentFactory<ILockStore>
    {
        public string Type => "lock.in-memory";

        public ValueTask<ILockStore> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ILockStore>(new InMemoryLockStore(definition.Name));
    }

    private sealed class LocalFileStoreFactory : IComponentFactory<IFileStore>
    {
        public string Type => "file.local";

        public ValueTask<IFileStore> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IFileStore>(new LocalFileStore(definition.Get("rootPath") is { Length: > 0 } root ? root : Path.Combine(context.DataDirectory, definition.Name), definition.Name));
    }

    private sealed class LocalStorageBindingFactory : IComponentFactory<IOutputBinding>
    {
        public string Type => "bindings.localstorage";

        public ValueTask<IOutputBinding> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IOutputBinding>(new LocalStorageBinding(definition.Require("rootPath"), definition.Name));
    }

    private sealed class EnvironmentSecretStoreFactory : IComponentFactory<ISecretStore>
    {
        public string Type => "secretstores.local.env";

        public ValueTask<ISecretStore> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ISecretStore>(new EnvironmentSecretStore(definition.Get("prefix")));
    }

    private sealed class JsonFileSecretStoreFactory : IComponentFactory<ISecretStore>
    {
        public string Type => "secretstores.local.file";

        public ValueTask<ISecretStore> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ISecretStore>(new JsonFileSecretStore(
                definition.Require("secretsFile"),
                definition.Get("nestedSeparator") is { Length: > 0 } separator ? separator : ":",
                definition.GetBoolean("multiValued", false),
                definition.Name));
    }

    private sealed class CronBindingFactory : IComponentFactory<IInputBinding>
    {
        public string Type => "bindings.cron";

        public ValueTask<IInputBinding> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IInputBinding>(new CronBinding(definition.Require("schedule"), definition.Name, context.LoggerFactory.CreateLogger<CronBinding>()));
    }

    private sealed class HttpBindingFactory : IComponentFactory<IOutputBinding>
    {
        public string Type => "bindings.http";

        public ValueTask<IOutputBinding> CreateAsync(ComponentDefinition definition, ComponentContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IOutputBinding>(new HttpBinding(definition.Require("url"), definition.Name, definition.GetDuration("responseTimeout")));
    }
}
