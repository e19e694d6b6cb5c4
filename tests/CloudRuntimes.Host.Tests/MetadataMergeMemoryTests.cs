using Google.Protobuf;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// A request's metadata applies to each of its items under the item's own (docs/security.md): against the real server
/// process with its GC heap capped at 96 MiB, a gRPC transaction whose request metadata holds 4,000 entries (16,000
/// characters, within the bound) and whose 3,000 operations each carry one entry of their own is applied. Each operation
/// used to get a copy of the request's map: 12,000,000 dictionary entries, and the call failed (Internal).
/// </summary>
public sealed class MetadataMergeMemoryTests
{
    private const int RequestEntries = 4_000;
    private const int Operations = 3_000;

    [Fact]
    public async Task Request_metadata_is_not_copied_for_each_operation_of_a_transaction()
    {
        var heap = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x6000000" };
        await using var server = ServerProcess.Start(TempFolders.New("cr-e2e-merge-memory-"), heap);
        using var http = new HttpClient();
        await server.WaitHealthyAsync(http);
        using var channel = DaprGrpc.Channel(server.GrpcEndpoint);
        var transaction = new Proto.ExecuteStateTransactionRequest { StoreName = "statestore" };
        for (var i = 0; i < RequestEntries; i++)
        {
            transaction.Metadata[i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)] = "";
        }
        for (var i = 0; i < Operations; i++)
        {
            transaction.Operations.Add(new Proto.TransactionalStateOperation
            {
                OperationType = "upsert",
                Request = new Proto.StateItem { Key = $"k{i}", Value = ByteString.CopyFromUtf8(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Metadata = { ["own"] = "1" } },
            });
        }

        await DaprGrpc.Stub(channel).ExecuteStateTransactionAsync(transaction, deadline: DateTime.UtcNow.AddMinutes(2));

        var last = await DaprGrpc.Stub(channel).GetStateAsync(new Proto.GetStateRequest { StoreName = "statestore", Key = $"k{Operations - 1}" });
        Assert.Equal($"{Operations - 1}", last.Data.ToStringUtf8());
        Assert.False(server.Process.HasExited, server.Output);
    }
}
