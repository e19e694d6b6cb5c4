using CloudRuntimes.Bindings;
using CloudRuntimes.Host.Blocks;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.WebUtilities;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.GrpcApi;

/// <summary>Service invocation, secrets, output bindings, lock, jobs, metadata and shutdown.</summary>
internal sealed partial class DaprApi
{
    private static void BindRuntime(ServiceMethodProviderContext<DaprApi> binder)
    {
        Unary<Proto.InvokeServiceRequest, Proto.InvokeResponse>(binder, "InvokeService", (api, request, context) => api.InvokeService(request, context));
        Unary<Proto.GetSecretRequest, Proto.GetSecretResponse>(binder, "GetSecret", (api, request, context) => api.GetSecret(request, context));
        Unary<Proto.GetBulkSecretRequest, Proto.GetBulkSecretResponse>(binder, "GetBulkSecret", (api, request, context) => api.GetBulkSecret(request, context));
        Unary<Proto.InvokeBindingRequest, Proto.InvokeBindingResponse>(binder, "InvokeBinding", (api, request, context) => api.InvokeBinding(request, context));
        Unary<Proto.TryLockRequest, Proto.TryLockResponse>(binder, "TryLockAlpha1", (api, request, context) => api.TryLockAlpha1(request, context));
        Unary<Proto.UnlockRequest, Proto.UnlockResponse>(binder, "UnlockAlpha1", (api, request, context) => api.UnlockAlpha1(request, context));
        foreach (var suffix in new[] { "", "Alpha1" })
        {
            // Dapr serves the stable and the alpha names alike.
            Unary<Proto.ScheduleJobRequest, Proto.ScheduleJobResponse>(binder, "ScheduleJob" + suffix, (api, request, context) => api.ScheduleJob(request, context));
            Unary<Proto.GetJobRequest, Proto.GetJobResponse>(binder, "GetJob" + suffix, (api, request, context) => api.GetJob(request, context));
            Unary<Proto.DeleteJobRequest, Proto.DeleteJobResponse>(binder, "DeleteJob" + suffix, (api, request, context) => api.DeleteJob(request, context));
        }
        Unary<Proto.GetMetadataRequest, Proto.GetMetadataResponse>(binder, "GetMetadata", (api, request, context) => api.GetMetadata(request, context));
        Unary<Proto.SetMetadataRequest, Empty>(binder, "SetMetadata", (api, request, context) => api.SetMetadata(request, context));
        Unary<Proto.ShutdownRequest, Empty>(binder, "Shutdown", (api, request, context) => api.Shutdown(request, context));
    }

    /// <summary>
    /// Dapr <c>InvokeService</c>: a local gRPC app gets the request as is (<c>OnInvoke</c>; its failure status comes back
    /// unchanged); an HTTP target needs the HTTP extension's verb (else InvalidArgument, as Dapr), gets the data's bytes
    /// as the body, and its status comes back in <c>dapr-http-status</c>: 2xx as the response, anything else as Dapr's
    /// gRPC code for it with an <c>ErrorInfo</c> (reason = the status text, <c>http.code</c>, <c>http.error_message</c>).
    /// </summary>
    public async Task<Proto.InvokeResponse> InvokeService(Proto.InvokeServiceRequest request, ServerCallContext context)
    {
        var message = request.Message ?? throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "the invocation has no message");
        // Null: another runtime's app, found by name resolution (reached over the runtimes' HTTP route).
        var target = invocation.TryResolve(request.Id, message.Method) ?? (invocation.HasPeers ? null : throw InvocationService.UnknownApp(request.Id));
        if (target is not null && invocation.GrpcApp(target) is { } grpcApp)
        {
            return await grpcApp.InvokeAsync(message, null, context.CancellationToken);
        }
        var verb = message.HttpExtension?.Verb ?? throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, "missing HTTP extension field: an HTTP app needs the verb");
        if (verb is Proto.HTTPExtension.Types.Verb.None or Proto.HTTPExtension.Types.Verb.Connect)
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.MalformedRequest, $"invalid HTTP verb {verb}");
        }
        var body = message.Data?.Value.Memory ?? ReadOnlyMemory<byte>.Empty;
        var call = new Invocation.InvocationRequest(
            request.Id,
            message.Method,
            verb.ToString().ToUpperInvariant(),
            body,
            string.IsNullOrEmpty(message.ContentType) ? null : message.ContentType,
            string.IsNullOrEmpty(message.HttpExtension.Querystring) ? null : message.HttpExtension.Querystring);
        var response = target is null
            ? await invocation.InvokePeerAsync(call, context.CancellationToken)
            : await invocation.InvokeHttpAsync(target, call, context.CancellationToken);
        await context.WriteResponseHeadersAsync(new Metadata { { "dapr-http-status", response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        var code = HttpGrpcStatus.FromHttp(response.StatusCode);
        if (code != StatusCode.OK)
        {
            var text = System.Text.Encoding.UTF8.GetString(response.Body.Span);
            var reason = ReasonPhrases.GetReasonPhrase(response.StatusCode);
            var status = new Google.Rpc.Status
            {
                Code = (int)code,
                Message = reason,
                Details =
                {
                    Any.Pack(new Google.Rpc.ErrorInfo
                    {
                        Reason = reason,
                        Domain = GrpcErrors.Domain,
                        Metadata = { ["http.code"] = response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), ["http.error_message"] = text.Length > 63 ? text[..63] : text },
                    }),
                },
            };
            throw status.ToRpcException();
        }
        return new Proto.InvokeResponse { Data = new Any { Value = Bytes(response.Body) }, ContentType = response.ContentType ?? "" };
    }

    /// <summary>Dapr <c>GetSecret</c>: the secret's keys and values (none when there is no such secret).</summary>
    public async Task<Proto.GetSecretResponse> GetSecret(Proto.GetSecretRequest request, ServerCallContext context)
    {
        var response = new Proto.GetSecretResponse();
        if (await secrets.GetAsync(request.StoreName, request.Key, Checked(request.Metadata, "metadata"), context.CancellationToken) is { } secret)
        {
            response.Data.Add(secret);
        }
        return response;
    }

    /// <summary>Dapr <c>GetBulkSecret</c>: every secret of the store.</summary>
    public async Task<Proto.GetBulkSecretResponse> GetBulkSecret(Proto.GetBulkSecretRequest request, ServerCallContext context)
    {
        var response = new Proto.GetBulkSecretResponse();
        foreach (var (name, values) in await secrets.GetBulkAsync(request.StoreName, Checked(request.Metadata, "metadata"), context.CancellationToken))
        {
            var secret = new Proto.SecretResponse();
            secret.Secrets.Add(values);
            response.Data[name] = secret;
        }
        return response;
    }

    /// <summary>Dapr <c>InvokeBinding</c>: every failure of the binding is Internal <c>ERR_INVOKE_OUTPUT_BINDING</c>.</summary>
    public async Task<Proto.InvokeBindingResponse> InvokeBinding(Proto.InvokeBindingRequest request, ServerCallContext context)
    {
        var result = await bindings.InvokeAsync(request.Name, new BindingRequest(request.Operation, request.Data.Memory, Checked(request.Metadata, "metadata")), context.CancellationToken);
        var response = new Proto.InvokeBindingResponse();
        if (result.Data is { } data)
        {
            response.Data = Bytes(data);
        }
        response.Metadata.Add(result.Metadata);
        return response;
    }

    /// <summary>Dapr <c>TryLockAlpha1</c>: non-blocking, not re-entrant; <c>expiry_in_seconds</c> must be positive.</summary>
    public async Task<Proto.TryLockResponse> TryLockAlpha1(Proto.TryLockRequest request, ServerCallContext context) =>
        new() { Success = await locks.TryLockAsync(request.StoreName, request.ResourceId, request.LockOwner, request.ExpiryInSeconds, context.CancellationToken) };

    /// <summary>Dapr <c>UnlockAlpha1</c>: Dapr's status numbers (0 success, 1 does not exist, 2 belongs to others, 3 internal error).</summary>
    public async Task<Proto.UnlockResponse> UnlockAlpha1(Proto.UnlockRequest request, ServerCallContext context) =>
        new() { Status = (Proto.UnlockResponse.Types.Status)(int)await locks.UnlockAsync(request.StoreName, request.ResourceId, request.LockOwner, context.CancellationToken) };

    /// <summary>Dapr <c>ScheduleJob</c>: replaces a job of the same name only with <c>overwrite</c>.</summary>
    public async Task<Proto.ScheduleJobResponse> ScheduleJob(Proto.ScheduleJobRequest request, ServerCallContext context)
    {
        var job = request.Job ?? throw new CloudRuntimesException(CloudRuntimesErrors.JobInvalid, "the request has no job");
        var input = new JobInput(
            job.Name,
            job.HasSchedule ? job.Schedule : null,
            job.HasDueTime ? job.DueTime : null,
            job.HasRepeats ? (int)Math.Min(job.Repeats, (uint)int.MaxValue) : null,
            job.HasTtl ? job.Ttl : null,
            JobData.ToStored(job.Data));
        await jobs.ScheduleAsync(input, request.Overwrite, context.CancellationToken);
        return new Proto.ScheduleJobResponse();
    }

    /// <summary>Dapr <c>GetJob</c>: times as RFC 3339; a missing job is Internal <c>DAPR_SCHEDULER_GET_JOB</c> (as Dapr).</summary>
    public async Task<Proto.GetJobResponse> GetJob(Proto.GetJobRequest request, ServerCallContext context)
    {
        var job = await jobs.GetAsync(request.Name, context.CancellationToken);
        var proto = new Proto.Job { Name = job.Name };
        if (job.Schedule is not null)
        {
            proto.Schedule = job.Schedule;
        }
        if (job.DueTime is { } due)
        {
            proto.DueTime = due.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }
        if (job.Repeats is { } repeats)
        {
            proto.Repeats = (uint)repeats;
        }
        if (job.Ttl is { } ttl)
        {
            proto.Ttl = ttl.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }
        if (job.Data.Length > 0)
        {
            proto.Data = JobData.ToAny(job.Data);
        }
        return new Proto.GetJobResponse { Job = proto };
    }

    /// <summary>Dapr <c>DeleteJob</c>.</summary>
    public async Task<Proto.DeleteJobResponse> DeleteJob(Proto.DeleteJobRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.Name))
        {
            throw new CloudRuntimesException(CloudRuntimesErrors.JobInvalid, "job name is empty");
        }
        await jobs.DeleteAsync(request.Name, context.CancellationToken);
        return new Proto.DeleteJobResponse();
    }

    /// <summary>Dapr <c>GetMetadata</c>: what <c>/v1.0/metadata</c> reports, in Dapr's message.</summary>
    public Task<Proto.GetMetadataResponse> GetMetadata(Proto.GetMetadataRequest request, ServerCallContext context)
    {
        var now = metadata.Get();
        var response = new Proto.GetMetadataResponse { Id = now.Id, RuntimeVersion = now.RuntimeVersion };
        response.RegisteredComponents.Add(now.Components.Select(c => new Proto.RegisteredComponents { Name = c.Name, Type = c.Type, Version = c.Version, Capabilities = { c.Capabilities } }));
        response.ExtendedMetadata.Add(now.Extended.ToDictionary());
        response.Subscriptions.Add(now.Subscriptions.Select(s => new Proto.PubsubSubscription
        {
            PubsubName = s.PubSubName,
            Topic = s.Topic,
            Metadata = { s.Metadata },
            Rules = new Proto.PubsubSubscriptionRules { Rules = { s.Rules.Select(r => new Proto.PubsubSubscriptionRule { Match = r.Match, Path = r.Path }) } },
            DeadLetterTopic = s.DeadLetterTopic ?? "",
            Type = s.Type switch
            {
                "DECLARATIVE" => Proto.PubsubSubscriptionType.Declarative,
                "PROGRAMMATIC" => Proto.PubsubSubscriptionType.Programmatic,
                "STREAMING" => Proto.PubsubSubscriptionType.Streaming,
                _ => Proto.PubsubSubscriptionType.Unknown,
            },
        }));
        if (now.App is { } app)
        {
            response.AppConnectionProperties = new Proto.AppConnectionProperties { Port = app.Port, Protocol = app.Protocol, ChannelAddress = app.ChannelAddress, MaxConcurrency = app.MaxConcurrency ?? 0 };
        }
        return Task.FromResult(response);
    }

    /// <summary>Dapr <c>SetMetadata</c>: an app attribute, within the limits of the metadata store.</summary>
    public Task<Empty> SetMetadata(Proto.SetMetadataRequest request, ServerCallContext context)
    {
        metadata.Set(request.Key, System.Text.Encoding.UTF8.GetBytes(request.Value));
        return Task.FromResult(Done);
    }

    /// <summary>Dapr <c>Shutdown</c>: the runtime stops gracefully after answering.</summary>
    public Task<Empty> Shutdown(Proto.ShutdownRequest request, ServerCallContext context)
    {
        metadata.Shutdown();
        return Task.FromResult(Done);
    }
}
