using CloudRuntimes.Components.Bindings;
using CloudRuntimes.Components.Files;
using CloudRuntimes.Components.Lock;
using CloudRuntimes.Components.PubSub;
using CloudRuntimes.Components.Secrets;
using CloudRuntimes.Components.State;
using Microsoft.Extensions.Logging;

namespace CloudRuntimes.Components.Hosting;

/// <summary>
/// The component types this project provides, registered with every builder:
/// <list type="table">
/// <item><term><c>state.in-memory</c></term><description>process-local state (ETag, transactions, TTL).</description></item>
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
    public static void Register(CloudRuntimesBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFactory(new ComponentFactory()
            .Add("state.in-memory", (d, _) => new InMemoryStateStore(d.Name), StateStoreBase.QueryableCapabilities)
            .Add("pubsub.in-memory", (d, c) => TopicLogPubSub.For(d, c, () => new InMemoryTopicLog()))
            .Add("lock.in-memory", (d, _) => new InMemoryLockStore(d.Name))
            .Add("file.local", (d, c) => new LocalFileStore(d.Get("rootPath") is { Length: > 0 } root ? root : Path.Combine(c.DataDirectory, d.Name), d.Name))
            .Add("bindings.localstorage", (d, _) => new LocalStorageBinding(d.Require("rootPath"), d.Name))
            .Add("secretstores.local.env", (d, _) => new EnvironmentSecretStore(d.Get("prefix")))
            .Add("secretstores.local.file", (d, _) => new JsonFileSecretStore(d.Require("secretsFile"), d.Get("nestedSeparator") is { Length: > 0 } separator ? separator : ":", d.GetBoolean("multiValued", false), d.Name))
            .Add("bindings.cron", (d, c) => new CronBinding(d.Require("schedule"), d.Name, c.LoggerFactory.CreateLogger<CronBinding>()))
            .Add("bindings.http", (d, _) => new HttpBinding(d.Require("url"), d.Name, d.GetDuration("responseTimeout"))));
    }
}
