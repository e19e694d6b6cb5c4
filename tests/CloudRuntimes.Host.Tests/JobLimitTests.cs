using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// The jobs limits (docs/security.md) against the real server process and its SQLite scheduler, over HTTP and gRPC: a
/// schedule firing more often than once a second, data past <c>--max-job-data-size</c> and one job past
/// <c>--max-jobs</c> are 400 <c>ERR_JOB_INVALID</c> (gRPC InvalidArgument), and nothing stored is lost.
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class JobLimitTests(RuntimeProcesses runtime) : IAsyncLifetime
{
    private OwnServer _own = null!;

    private HttpClient Http => runtime.Http;

    private ServerProcess Server => _own.Process;

    public async ValueTask InitializeAsync() => _own = await OwnServer.StartAsync(Http, "job-limits", "--max-jobs", "3", "--max-job-data-size", "1");

    public ValueTask DisposeAsync() => _own.DisposeAsync();

    private Task<HttpResponseMessage> ScheduleAsync(string name, string body) =>
        Http.PostAsync(new Uri(Server.Endpoint, "v1.0-alpha1/jobs/" + name), new StringContent(body, Encoding.UTF8, "application/json"));

    [Theory]
    [InlineData("@every 100ns", "fires every 0.0001 ms; the least interval is 1 s")]
    [InlineData("@every 999ms", "fires every 999 ms; the least interval is 1 s")]
    public async Task A_schedule_firing_more_often_than_once_a_second_is_400(string schedule, string message)
    {
        using var response = await ScheduleAsync("fast", $$"""{"schedule":"{{schedule}}"}""");

        await AssertInvalidAsync(response, message);
        using var get = await Http.GetAsync(new Uri(Server.Endpoint, "v1.0-alpha1/jobs/fast"));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Once_a_second_and_cron_every_second_are_accepted()
    {
        using var every = await ScheduleAsync("every-second", """{"schedule":"@every 1s"}""");
        using var cron = await ScheduleAsync("cron-second", """{"schedule":"* * * * * *"}""");

        Assert.Equal(HttpStatusCode.NoContent, every.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, cron.StatusCode);
    }

    [Fact]
    public async Task Data_over_the_limit_is_400_and_data_at_it_is_stored()
    {
        // A JSON string of 1,022 characters and its two quotes are 1,024 bytes: exactly 1 KiB.
        var atLimit = "\"" + new string('a', 1022) + "\"";
        var overLimit = "\"" + new string('a', 1023) + "\"";

        using var over = await ScheduleAsync("big", $$"""{"dueTime":"1h","data":{{overLimit}}}""");
        using var at = await ScheduleAsync("big", $$"""{"dueTime":"1h","data":{{atLimit}}}""");

        await AssertInvalidAsync(over, "data is 1,025 bytes, more than the 1 KiB allowed (--max-job-data-size)");
        Assert.Equal(HttpStatusCode.NoContent, at.StatusCode);
        var stored = await Http.GetFromJsonAsync<JsonObject>(new Uri(Server.Endpoint, "v1.0-alpha1/jobs/big"));
        Assert.Equal(new string('a', 1022), stored!["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task One_job_past_the_limit_is_400_over_http_and_grpc_until_one_is_deleted()
    {
        for (var i = 0; i < 3; i++)
        {
            using var scheduled = await ScheduleAsync("job" + i.ToString(CultureInfo.InvariantCulture), """{"dueTime":"1h","data":"kept"}""");
            Assert.Equal(HttpStatusCode.NoContent, scheduled.StatusCode);
        }

        using var fourth = await ScheduleAsync("job3", """{"dueTime":"1h"}""");
        await AssertInvalidAsync(fourth, "job job3 is refused: the scheduler holds 3 jobs, the most allowed; delete one first");
        using var channel = DaprGrpc.Channel(Server.GrpcEndpoint);
        var grpc = await Assert.ThrowsAsync<RpcException>(() => DaprGrpc.Stub(channel).ScheduleJobAsync(
            new Proto.ScheduleJobRequest { Job = new Proto.Job { Name = "job3", DueTime = "1h" } }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, grpc.StatusCode);
        Assert.Contains("the scheduler holds 3 jobs", grpc.Status.Detail, StringComparison.Ordinal);

        // Replacing a job of its name is not one more; deleting one makes room.
        using var replaced = await ScheduleAsync("job0", """{"dueTime":"2h","data":"replaced"}""");
        Assert.Equal(HttpStatusCode.NoContent, replaced.StatusCode);
        using var delete = await Http.DeleteAsync(new Uri(Server.Endpoint, "v1.0-alpha1/jobs/job1"));
        using var afterDelete = await ScheduleAsync("job3", """{"dueTime":"1h"}""");
        Assert.Equal(HttpStatusCode.NoContent, afterDelete.StatusCode);
        var kept = await Http.GetFromJsonAsync<JsonObject>(new Uri(Server.Endpoint, "v1.0-alpha1/jobs/job2"));
        Assert.Equal("kept", kept!["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_grpc_schedule_firing_more_often_than_once_a_second_is_invalid_argument()
    {
        using var channel = DaprGrpc.Channel(Server.GrpcEndpoint);

        var error = await Assert.ThrowsAsync<RpcException>(() => DaprGrpc.Stub(channel).ScheduleJobAsync(
            new Proto.ScheduleJobRequest { Job = new Proto.Job { Name = "fast", Schedule = "@every 10ms" } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("fires every 10 ms; the least interval is 1 s", error.Status.Detail, StringComparison.Ordinal);
    }

    private static async Task AssertInvalidAsync(HttpResponseMessage response, string message)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_JOB_INVALID", error["errorCode"]!.GetValue<string>());
        Assert.Contains(message, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
