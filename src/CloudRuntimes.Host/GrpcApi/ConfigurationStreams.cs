using System.Collections.Concurrent;
using System.Threading.Channels;
using CloudRuntimes.Configuration;
using CloudRuntimes.Host.Blocks;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>
/// Configuration subscriptions as server streams (Dapr <c>SubscribeConfiguration</c>): the store's subscription (for a
/// rototo store, fed by its refreshes) is made, its id sent as the first message (no items, as Dapr), then each change as
/// <c>{id, items}</c>. The stream ends when the client cancels, when <c>UnsubscribeConfiguration</c> names its id, or when
/// the runtime stops; the store's subscription ends with it. A client that falls <see cref="MaxBacklog"/> changes behind
/// is disconnected with <c>ResourceExhausted</c> (it may subscribe again) rather than held in memory.
/// </summary>
internal sealed class ConfigurationStreams(ConfigurationService configuration, IHostApplicationLifetime lifetime)
{
    /// <summary>Most changes waiting for a slow client.</summary>
    public const int MaxBacklog = 64;

    private readonly ConcurrentDictionary<string, CancellationTokenSource> _open = new(StringComparer.Ordinal);

    /// <summary>Serves one subscription until it ends.</summary>
    /// <exception cref="CloudRuntimesException"><see cref="CloudRuntimesErrors.ConfigurationStoreNotFound"/>, <see cref="CloudRuntimesErrors.ConfigurationSubscribe"/>.</exception>
    public async Task RunAsync(Proto.SubscribeConfigurationRequest request, IServerStreamWriter<Proto.SubscribeConfigurationResponse> responses, CancellationToken callEnded)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(callEnded, lifetime.ApplicationStopping);
        var changes = Channel.CreateBounded<ConfigurationUpdate>(new BoundedChannelOptions(MaxBacklog) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        var overflowed = false;
        var id = await configuration.SubscribeAsync(request.StoreName, [.. request.Keys.Order(StringComparer.Ordinal)], request.Metadata, (update, _) =>
        {
            if (!changes.Writer.TryWrite(update))
            {
                overflowed = true;
                Cancel(ended);
            }
            return Task.CompletedTask;
        }, ended.Token);
        _open[id] = ended;
        try
        {
            await responses.WriteAsync(new Proto.SubscribeConfigurationResponse { Id = id }, ended.Token);
            await foreach (var update in changes.Reader.ReadAllAsync(ended.Token))
            {
                var response = new Proto.SubscribeConfigurationResponse { Id = id };
                foreach (var (key, item) in update.Items)
                {
                    response.Items[key] = ToProto(item);
                }
                await responses.WriteAsync(response, ended.Token);
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested && !overflowed)
        {
            // Cancelled by the client, unsubscribed, or the runtime is stopping: the stream ends normally.
        }
        catch (OperationCanceledException) when (overflowed)
        {
            throw GrpcErrors.Exception(CloudRuntimesErrors.PayloadTooLarge, $"configuration subscription {id}: the client fell {MaxBacklog} changes behind and was disconnected; subscribe again");
        }
        finally
        {
            _open.TryRemove(KeyValuePair.Create(id, ended));
            await configuration.UnsubscribeAsync(request.StoreName, id, CancellationToken.None);
        }
    }

    /// <summary>Ends the stream of a subscription id; false when no stream has that id.</summary>
    public bool Stop(string id)
    {
        if (!_open.TryRemove(id, out var stream))
        {
            return false;
        }
        Cancel(stream);
        return true;
    }

    private static void Cancel(CancellationTokenSource stream)
    {
        try
        {
            stream.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream ended meanwhile.
        }
    }

    /// <summary>A configuration item as Dapr's gRPC message.</summary>
    public static Proto.ConfigurationItem ToProto(ConfigurationItem item)
    {
        var proto = new Proto.ConfigurationItem { Value = item.Value, Version = item.Version };
        proto.Metadata.Add(item.Metadata);
        return proto;
    }
}
