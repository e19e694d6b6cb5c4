using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>Configuration: get, subscribe as a server stream (<see cref="ConfigurationStreams"/>), unsubscribe; the <c>Alpha1</c> names bound to the same handlers.</summary>
internal sealed partial class DaprApi
{
    private static void BindConfiguration(ServiceMethodProviderContext<DaprApi> binder)
    {
        Unary<Proto.GetConfigurationRequest, Proto.GetConfigurationResponse>(binder, "GetConfiguration", (api, request, context) => api.GetConfiguration(request, context));
        Unary<Proto.GetConfigurationRequest, Proto.GetConfigurationResponse>(binder, "GetConfigurationAlpha1", (api, request, context) => api.GetConfiguration(request, context));
        ServerStreaming<Proto.SubscribeConfigurationRequest, Proto.SubscribeConfigurationResponse>(binder, "SubscribeConfiguration", (api, request, responses, context) => api.SubscribeConfiguration(request, responses, context));
        ServerStreaming<Proto.SubscribeConfigurationRequest, Proto.SubscribeConfigurationResponse>(binder, "SubscribeConfigurationAlpha1", (api, request, responses, context) => api.SubscribeConfiguration(request, responses, context));
        Unary<Proto.UnsubscribeConfigurationRequest, Proto.UnsubscribeConfigurationResponse>(binder, "UnsubscribeConfiguration", (api, request, context) => api.UnsubscribeConfiguration(request, context));
        Unary<Proto.UnsubscribeConfigurationRequest, Proto.UnsubscribeConfigurationResponse>(binder, "UnsubscribeConfigurationAlpha1", (api, request, context) => api.UnsubscribeConfiguration(request, context));
    }

    /// <summary>Dapr <c>GetConfiguration</c>: items by key (all for no keys; unknown keys left out).</summary>
    public async Task<Proto.GetConfigurationResponse> GetConfiguration(Proto.GetConfigurationRequest request, ServerCallContext context)
    {
        var response = new Proto.GetConfigurationResponse();
        foreach (var (key, item) in await configuration.GetAsync(request.StoreName, request.Keys, Checked(request.Metadata, "metadata"), context.CancellationToken))
        {
            response.Items[key] = ConfigurationStreams.ToProto(item);
        }
        return response;
    }

    /// <summary>Dapr <c>SubscribeConfiguration</c>: the subscription id first, then each change.</summary>
    public Task SubscribeConfiguration(Proto.SubscribeConfigurationRequest request, IServerStreamWriter<Proto.SubscribeConfigurationResponse> responses, ServerCallContext context)
    {
        Checked(request.Metadata, "metadata");
        return configurationStreams.RunAsync(request, responses, context.CancellationToken);
    }

    /// <summary>Dapr <c>UnsubscribeConfiguration</c>: ends the stream of that subscription id; <c>ok = false</c> (status OK) when there is none.</summary>
    public Task<Proto.UnsubscribeConfigurationResponse> UnsubscribeConfiguration(Proto.UnsubscribeConfigurationRequest request, ServerCallContext context) =>
        Task.FromResult(configurationStreams.Stop(request.Id)
            ? new Proto.UnsubscribeConfigurationResponse { Ok = true }
            : new Proto.UnsubscribeConfigurationResponse { Ok = false, Message = $"failed to unsubscribe to configuration request {request.Id}: subscription does not exist" });
}
