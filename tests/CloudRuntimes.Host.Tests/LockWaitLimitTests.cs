using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// Waiting lock acquires (<c>POST /v1.0-alpha1/lock/{store}/acquire</c>) are bounded, against the real server process
/// (docs/security.md): at most <c>--max-lock-waiters</c> wait per store at once (one more is 429 <c>ERR_TRY_LOCK</c>,
/// while locks that do not wait are served), and none waits longer than <c>--max-lock-wait</c>.
/// </summary>
public sealed class LockWaitLimitTests
{
    [Fact]
    public async Task Waiting_acquires_past_the_stores_limit_are_429_and_locks_that_do_not_wait_are_still_served()
    {
        await using var server = await StartAsync("--max-lock-waiters", "2");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        Assert.True(await SucceedsAsync(await PostAsync(http, server, "lock/lockstore", Lock("r", "holder"))));
        var first = PostAsync(http, server, "lock/lockstore/acquire", Lock("r", "w1", wait: 30));
        var second = PostAsync(http, server, "lock/lockstore/acquire", Lock("r", "w2", wait: 30));
        await Task.Delay(2000);

        using var third = await PostAsync(http, server, "lock/lockstore/acquire", Lock("r", "w3", wait: 30));

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        var error = (await third.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_TRY_LOCK", error["errorCode"]!.GetValue<string>());
        Assert.Equal("lock store lockstore: 2 acquires are already waiting, the most it takes (--max-lock-waiters); try again later", error["message"]!.GetValue<string>());
        // Locks that do not wait take no place among the waiters.
        Assert.True(await SucceedsAsync(await PostAsync(http, server, "lock/lockstore", Lock("other", "o"))));
        Assert.True(await SucceedsAsync(await PostAsync(http, server, "lock/lockstore/acquire", Lock("another", "o", wait: 0))));
        // The holder lets go: one waiter gets the lock, then the other once that one lets go too.
        using (var unlock = await PostAsync(http, server, "unlock/lockstore", Lock("r", "holder")))
        {
            Assert.Equal(HttpStatusCode.OK, unlock.StatusCode);
        }
        var winner = await Task.WhenAny(first, second);
        Assert.True(await SucceedsAsync(await winner));
        using (var unlock = await PostAsync(http, server, "unlock/lockstore", Lock("r", winner == first ? "w1" : "w2")))
        {
            Assert.Equal(HttpStatusCode.OK, unlock.StatusCode);
        }
        Assert.True(await SucceedsAsync(await (winner == first ? second : first)));
        // With no one waiting any more, a waiting acquire is accepted again.
        Assert.True(await SucceedsAsync(await PostAsync(http, server, "lock/lockstore/acquire", Lock("free", "w3", wait: 30))));
    }

    [Fact]
    public async Task A_wait_longer_than_the_servers_longest_is_400()
    {
        await using var server = await StartAsync("--max-lock-wait", "5");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

        using var tooLong = await PostAsync(http, server, "lock/lockstore/acquire", Lock("r", "o", wait: 6));

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        var error = (await tooLong.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_MALFORMED_REQUEST", error["errorCode"]!.GetValue<string>());
        Assert.Equal("acquire requests need timeoutInSeconds from 0 to 5 (--max-lock-wait)", error["message"]!.GetValue<string>());
        Assert.True(await SucceedsAsync(await PostAsync(http, server, "lock/lockstore/acquire", Lock("r", "o", wait: 5))));
    }

    private static Task<ServerProcess> StartAsync(params string[] arguments) => ServerProcess.StartHealthyAsync("cr-e2e-lockwait", arguments);

    private static JsonObject Lock(string resource, string owner, int? wait = null)
    {
        var body = new JsonObject { ["resourceId"] = resource, ["lockOwner"] = owner, ["expiryInSeconds"] = 60 };
        if (wait is { } seconds)
        {
            body["timeoutInSeconds"] = seconds;
        }
        return body;
    }

    /// <summary>True when a lock answer is 200 <c>{"success": true}</c>; disposes it.</summary>
    private static async Task<bool> SucceedsAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!["success"]!.GetValue<bool>();
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, ServerProcess server, string path, JsonObject body) =>
        http.PostAsync(new Uri(server.Endpoint, "v1.0-alpha1/" + path), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
}
