using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudRuntimes.Host.Tests;

/// <summary>
/// Raw HTTP against the real server process, pinning Dapr's HTTP API v1.0 wire format: routes, bodies, status codes,
/// headers and error bodies (expectations from the Dapr API reference as summarised in shared/specs/cloud-runtimes*.md).
/// </summary>
[Collection(RuntimeGroup.Name)]
public sealed class WireFormatTests(RuntimeProcesses runtime)
{
    private HttpClient Http => runtime.Http;

    private Uri Url(string path) => new(runtime.RuntimeEndpoint, path);

    [Fact]
    public async Task State_save_get_with_etag_then_conflicting_save_is_409_err_state_save()
    {
        var key = "order-" + Guid.NewGuid().ToString("N");
        using var save = await Http.PostAsync(Url("v1.0/state/statestore"), Json($$$"""[{"key":"{{{key}}}","value":{"qty":3}}]"""));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);

        using var get = await Http.GetAsync(Url($"v1.0/state/statestore/{key}"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("""{"qty":3}""", await get.Content.ReadAsStringAsync());
        var etag = get.Headers.GetValues("ETag").Single();
        Assert.False(string.IsNullOrEmpty(etag));

        using var conflict = await Http.PostAsync(Url("v1.0/state/statestore"), Json($$$"""[{"key":"{{{key}}}","value":1,"etag":"not-{{{etag}}}"}]"""));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("ERR_STATE_SAVE", (await conflict.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());

        using var matching = await Http.PostAsync(Url("v1.0/state/statestore"), Json($$$"""[{"key":"{{{key}}}","value":"two","etag":"{{{etag}}}"}]"""));
        Assert.Equal(HttpStatusCode.NoContent, matching.StatusCode);
        Assert.Equal("\"two\"", await Http.GetStringAsync(Url($"v1.0/state/statestore/{key}")));
    }

    [Fact]
    public async Task Missing_key_is_204_and_bulk_get_returns_data_field_and_bare_missing_keys()
    {
        var key = "bulk-" + Guid.NewGuid().ToString("N");
        using var missing = await Http.GetAsync(Url($"v1.0/state/statestore/{key}"));
        Assert.Equal(HttpStatusCode.NoContent, missing.StatusCode);

        (await Http.PostAsync(Url("v1.0/state/statestore"), Json($$$"""[{"key":"{{{key}}}","value":[1,2]}]"""))).Dispose();
        using var bulk = await Http.PostAsync(Url("v1.0/state/statestore/bulk"), Json($$$"""{"keys":["{{{key}}}","{{{key}}}-none"]}"""));
        var items = (await bulk.Content.ReadFromJsonAsync<JsonArray>())!;

        Assert.Equal(2, items.Count);
        Assert.Equal("[1,2]", items[0]!["data"]!.ToJsonString());
        Assert.NotNull(items[0]!["etag"]);
        Assert.Equal($$$"""{"key":"{{{key}}}-none"}""", items[1]!.ToJsonString());
    }

    [Fact]
    public async Task State_query_answers_results_with_data_and_etag_204_when_none_and_400_when_malformed()
    {
        var org = "org-" + Guid.NewGuid().ToString("N");
        (await Http.PostAsync(Url("v1.0/state/statestore"), Json($$$"""[{"key":"{{{org}}}-a","value":{"org":"{{{org}}}","n":2}},{"key":"{{{org}}}-b","value":{"org":"{{{org}}}","n":1}}]"""))).Dispose();

        using var query = await Http.PostAsync(Url("v1.0-alpha1/state/statestore/query"), Json($$$"""{"filter":{"EQ":{"org":"{{{org}}}"}},"sort":[{"key":"n"}]}"""));
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        var results = (await query.Content.ReadFromJsonAsync<JsonObject>())!["results"]!.AsArray();
        Assert.Equal([$"{org}-b", $"{org}-a"], results.Select(r => r!["key"]!.GetValue<string>()));
        Assert.Equal(1, results[0]!["data"]!["n"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(results[0]!["etag"]!.GetValue<string>()));

        using var none = await Http.PostAsync(Url("v1.0-alpha1/state/statestore/query"), Json("""{"filter":{"EQ":{"org":"nobody"}}}"""));
        Assert.Equal(HttpStatusCode.NoContent, none.StatusCode);
        using var malformed = await Http.PostAsync(Url("v1.0-alpha1/state/statestore/query"), Json("""{"filter":{"LIKE":{"org":"x"}}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("ERR_MALFORMED_REQUEST", (await malformed.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_with_if_match_and_transaction_all_or_nothing()
    {
        var a = "tx-a-" + Guid.NewGuid().ToString("N");
        (await Http.PostAsync(Url("v1.0/state/statestore"), Json($$$"""[{"key":"{{{a}}}","value":1}]"""))).Dispose();

        using var failed = await Http.PostAsync(Url("v1.0/state/statestore/transaction"), Json($$$"""
            {"operations":[{"operation":"upsert","request":{"key":"{{{a}}}-new","value":2}},
                           {"operation":"delete","request":{"key":"{{{a}}}","etag":"wrong"}}]}
            """));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("ERR_STATE_TRANSACTION", (await failed.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
        using (var notApplied = await Http.GetAsync(Url($"v1.0/state/statestore/{a}-new")))
        {
            Assert.Equal(HttpStatusCode.NoContent, notApplied.StatusCode);
        }

        using var wrongEtag = new HttpRequestMessage(HttpMethod.Delete, Url($"v1.0/state/statestore/{a}"));
        wrongEtag.Headers.TryAddWithoutValidation("If-Match", "wrong");
        using (var response = await Http.SendAsync(wrongEtag))
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        }
        using (var response = await Http.DeleteAsync(Url($"v1.0/state/statestore/{a}")))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_cloud_event_naming_an_attribute_twice_is_400_not_500()
    {
        using var twice = await Http.PostAsync(Url("v1.0/publish/pubsub/twice"),
            new StringContent("""{"specversion":"1.0","id":"a","id":"b","source":"s","type":"t"}""", System.Text.Encoding.UTF8, "application/cloudevents+json"));

        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        var error = (await twice.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("ERR_MALFORMED_REQUEST", "body is not a CloudEvent JSON object: a CloudEvent must not name an attribute twice"),
            (error["errorCode"]!.GetValue<string>(), error["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Unknown_store_and_malformed_body_get_dapr_error_bodies_not_stack_traces()
    {
        using var unknown = await Http.GetAsync(Url("v1.0/state/nope/key"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("ERR_STATE_STORE_NOT_FOUND", (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());

        using var malformed = await Http.PostAsync(Url("v1.0/state/statestore"), Json("[{\"key\":"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var text = await malformed.Content.ReadAsStringAsync();
        Assert.Contains("\"errorCode\":\"ERR_MALFORMED_REQUEST\"", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\n\s+at \S+\(", text);

        using var noKey = await Http.PostAsync(Url("v1.0/state/statestore"), Json("""[{"value":1}]"""));
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);

        using var unknownPubSub = await Http.PostAsync(Url("v1.0/publish/nope/topic"), Json("{}"));
        Assert.Equal(HttpStatusCode.NotFound, unknownPubSub.StatusCode);
        Assert.Equal("ERR_PUBSUB_NOT_FOUND", (await unknownPubSub.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
        foreach (var route in new[] { "v1.0/publish/pubsub/", "v1.0-alpha1/publish/bulk/pubsub/" })
        {
            using var noTopic = await Http.PostAsync(Url(route), Json("[]"));
            Assert.Equal(HttpStatusCode.NotFound, noTopic.StatusCode);
            Assert.Equal("ERR_TOPIC_NAME_EMPTY", (await noTopic.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Published_event_reaches_the_app_as_a_cloud_event()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var publish = await Http.PostAsync(Url("v1.0/publish/pubsub/orders"), Json($$$"""{"marker":"{{{marker}}}"}"""));
        Assert.Equal(HttpStatusCode.NoContent, publish.StatusCode);

        var events = await runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "event" && r["body"]?["data"]?["marker"]?.GetValue<string>() == marker);
        var cloudEvent = Assert.Single(events)["body"]!;
        Assert.Equal("1.0", cloudEvent["specversion"]!.GetValue<string>());
        Assert.Equal("com.dapr.event.sent", cloudEvent["type"]!.GetValue<string>());
        Assert.Equal("orders", cloudEvent["topic"]!.GetValue<string>());
        Assert.Equal("pubsub", cloudEvent["pubsubname"]!.GetValue<string>());
        Assert.Equal(RuntimeProcesses.AppId, cloudEvent["source"]!.GetValue<string>());
        Assert.Equal("application/json", cloudEvent["datacontenttype"]!.GetValue<string>());
        Assert.Equal("app-token", events[0]["token"]!.GetValue<string>());
    }

    [Fact]
    public async Task Events_go_to_the_first_routing_rule_they_match_else_to_the_default_route()
    {
        // The app's subscription to "routed": event.type == "special" -> /routed/special, event.data.priority > 5 ->
        // /routed/urgent, default /routed/default. The second event matches both rules: the first listed wins.
        var markers = new Dictionary<string, (string Query, string Data)>
        {
            ["special"] = ("?metadata.cloudevent.type=special", """{"priority":1}"""),
            ["both"] = ("?metadata.cloudevent.type=special", """{"priority":9}"""),
            ["urgent"] = ("", """{"priority":9}"""),
            ["plain"] = ("", """{"priority":1}"""),
            ["no-field"] = ("", """{"other":true}"""),
        };
        var ids = markers.ToDictionary(m => m.Key, _ => Guid.NewGuid().ToString("N"));
        foreach (var (name, (query, data)) in markers)
        {
            var body = data.Insert(1, $"\"marker\":\"{ids[name]}\",");
            using var publish = await Http.PostAsync(Url("v1.0/publish/pubsub/routed" + query), Json(body));
            Assert.Equal(HttpStatusCode.NoContent, publish.StatusCode);
        }

        string PathOf(string name) => runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "routed" && r["body"]?["data"]?["marker"]?.GetValue<string>() == ids[name]).Result.Single()["path"]!.GetValue<string>();
        Assert.Equal("/routed/special", PathOf("special"));
        Assert.Equal("/routed/special", PathOf("both"));
        Assert.Equal("/routed/urgent", PathOf("urgent"));
        Assert.Equal("/routed/default", PathOf("plain"));
        Assert.Equal("/routed/default", PathOf("no-field")); // the rule's missing field does not match, it is no error

        var routed = (await Http.GetFromJsonAsync<JsonObject>(Url("v1.0/metadata")))!["subscriptions"]!.AsArray().Single(s => s!["topic"]!.GetValue<string>() == "routed")!;
        Assert.Equal(
            [("event.type == \"special\"", "/routed/special"), ("event.data.priority > 5", "/routed/urgent"), ("", "/routed/default")],
            routed["rules"]!.AsArray().Select(r => (r!["match"]!.GetValue<string>(), r["path"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Bulk_subscription_gets_events_as_entries_and_an_entry_answered_retry_comes_again()
    {
        var markers = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        foreach (var (marker, index) in markers.Select((m, i) => (m, i)))
        {
            var retry = index == 1 ? "true" : "false";
            using var publish = await Http.PostAsync(Url("v1.0/publish/pubsub/bulk-events"), Json($$$"""{"marker":"{{{marker}}}","retry":{{{retry}}}}"""));
            Assert.Equal(HttpStatusCode.NoContent, publish.StatusCode);
        }

        List<JsonObject> entries = [];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            entries = [.. (await runtime.ReceivedAsync()).OfType<JsonObject>().Where(r => r["kind"]!.GetValue<string>() == "bulk")
                .SelectMany(r => r["body"]!["entries"]!.AsArray().OfType<JsonObject>())
                .Where(e => markers.Contains(e["event"]?["data"]?["marker"]?.GetValue<string>() ?? ""))];
            if (entries.Count >= 4)
            {
                break;
            }
            await Task.Delay(100);
        }

        // Each entry carries its CloudEvent; the one answered RETRY is in two requests, the others in one.
        Assert.All(entries, e => Assert.Equal("application/cloudevents+json", e["contentType"]!.GetValue<string>()));
        Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(e["entryId"]!.GetValue<string>())));
        Assert.Equal([1, 2, 1], markers.Select(m => entries.Count(e => e["event"]!["data"]!["marker"]!.GetValue<string>() == m)));
        var request = (await runtime.ReceivedAsync()).OfType<JsonObject>().First(r => r["kind"]!.GetValue<string>() == "bulk")["body"]!;
        Assert.Equal(("com.dapr.event.sent.bulk", "bulk-events", "pubsub"), (request["type"]!.GetValue<string>(), request["topic"]!.GetValue<string>(), request["pubsubname"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Delivery_carries_the_publishers_trace_and_the_envelope_its_trace_fields()
    {
        // W3C trace context: version-traceid-parentid-flags. The delivery must stay in the publisher's trace.
        const string TraceId = "0af7651916cd43dd8448eb211c80319c";
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("v1.0/publish/pubsub/orders")) { Content = Json($$$"""{"marker":"{{{marker}}}"}""") };
        request.Headers.Add("traceparent", $"00-{TraceId}-b7ad6b7169203331-01");
        request.Headers.Add("tracestate", "vendor=value");
        using var publish = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, publish.StatusCode);

        var delivered = Assert.Single(await runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "event" && r["body"]?["data"]?["marker"]?.GetValue<string>() == marker));
        var cloudEvent = delivered["body"]!;
        Assert.Equal(TraceId, cloudEvent["traceparent"]!.GetValue<string>().Split('-')[1]);
        Assert.Equal(cloudEvent["traceparent"]!.GetValue<string>(), cloudEvent["traceid"]!.GetValue<string>());
        Assert.Equal("vendor=value", cloudEvent["tracestate"]!.GetValue<string>());
        Assert.Equal(TraceId, delivered["traceparent"]!.GetValue<string>().Split('-')[1]);
    }

    [Fact]
    public async Task Retry_answers_are_redelivered_and_failing_events_go_to_the_dead_letter_topic()
    {
        var marker = Guid.NewGuid().ToString("N");
        (await Http.PostAsync(Url("v1.0/publish/pubsub/flaky"), Json($$$"""{"marker":"{{{marker}}}"}"""))).Dispose();
        var attempts = await runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "flaky" && r["body"]?["data"]?["marker"]?.GetValue<string>() == marker, count: 3);
        Assert.Equal(3, attempts.Count);

        var poison = Guid.NewGuid().ToString("N");
        (await Http.PostAsync(Url("v1.0/publish/pubsub/flaky"), Json($$$"""{"marker":"{{{poison}}}","poison":true}"""))).Dispose();
        var dead = await runtime.WaitForReceivedAsync(r => r["kind"]!.GetValue<string>() == "dead" && r["body"]?["data"]?["marker"]?.GetValue<string>() == poison);
        Assert.Single(dead);
        var poisonAttempts = (await runtime.ReceivedAsync()).OfType<JsonObject>().Count(r => r["kind"]!.GetValue<string>() == "flaky" && r["body"]?["data"]?["marker"]?.GetValue<string>() == poison);
        Assert.Equal(3, poisonAttempts);
    }

    [Fact]
    public async Task Invocation_forwards_verb_path_query_headers_and_body_and_passes_the_status_through()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Url($"v1.0/invoke/{RuntimeProcesses.AppId}/method/echo/a/b?x=1&status=418")) { Content = Json("""{"hello":"app"}""") };
        request.Headers.Add("x-test", "forwarded");
        using var response = await Http.SendAsync(request);

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        var echo = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("PUT", echo["method"]!.GetValue<string>());
        Assert.Equal("/echo/a/b", echo["path"]!.GetValue<string>());
        Assert.Equal("?x=1&status=418", echo["query"]!.GetValue<string>());
        Assert.Equal("forwarded", echo["header"]!.GetValue<string>());
        Assert.Equal("app", echo["body"]!["hello"]!.GetValue<string>());

        using var unknown = await Http.PostAsync(Url("v1.0/invoke/other-app/method/x"), Json("{}"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("ERR_DIRECT_INVOKE", (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invocation_by_dapr_app_id_header_or_by_address_and_an_empty_method_is_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("echo/by-header?x=2")) { Content = Json("""{"hello":"header"}""") };
        request.Headers.Add("dapr-app-id", RuntimeProcesses.AppId);
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("POST", echo["method"]!.GetValue<string>());
        Assert.Equal("/echo/by-header", echo["path"]!.GetValue<string>());
        Assert.Equal("?x=2", echo["query"]!.GetValue<string>());
        Assert.Equal("header", echo["body"]!["hello"]!.GetValue<string>());

        // A URL-encoded address in place of the app id is a non-Dapr endpoint, called directly.
        var address = Uri.EscapeDataString(runtime.AppEndpoint.ToString().TrimEnd('/'));
        using var direct = await Http.GetAsync(Url($"v1.0/invoke/{address}/method/echo/direct?y=3"));
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        var directEcho = (await direct.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("/echo/direct", "?y=3"), (directEcho["path"]!.GetValue<string>(), directEcho["query"]!.GetValue<string>()));

        using var empty = await Http.GetAsync(Url($"v1.0/invoke/{RuntimeProcesses.AppId}/method/"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("ERR_DIRECT_INVOKE", (await empty.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Configuration_resolves_rototo_variables_with_the_context_in_metadata()
    {
        var context = Uri.EscapeDataString("""{"user":{"id":"u-1","tier":"premium"},"request":{"country":"DE"},"cart":{"items":1}}""");
        using var response = await Http.GetAsync(Url($"v1.0/configuration/config?key=checkout-banner&key=shipping-policy&metadata.context={context}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Welcome back! Premium members check out with free express shipping.", items["checkout-banner"]!["value"]!.GetValue<string>());
        Assert.Equal("premium", items["checkout-banner"]!["metadata"]!["valueKey"]!.GetValue<string>());
        Assert.Equal("dhl", JsonNode.Parse(items["shipping-policy"]!["value"]!.GetValue<string>())!["carrier"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(items["shipping-policy"]!["version"]!.GetValue<string>()));

        // A context the request got wrong is the request's error: 400, never 500 (docs/security.md).
        using var invalid = await Http.GetAsync(Url("v1.0/configuration/config?key=checkout-banner&metadata.context.user.tier=gold"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var error = (await invalid.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ERR_MALFORMED_REQUEST", error["errorCode"]!.GetValue<string>());
        Assert.Contains("resolve context does not match schema: \"gold\" is not one of [\"free\",\"plus\",\"premium\"]", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        foreach (var notAnObject in new[] { "notjson", "%5B1%5D" })
        {
            using var bad = await Http.GetAsync(Url($"v1.0/configuration/config?key=checkout-banner&metadata.context={notAnObject}"));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("ERR_MALFORMED_REQUEST", (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Secrets_lock_and_metadata_routes_answer_in_dapr_shapes()
    {
        var secret = (await Http.GetFromJsonAsync<JsonObject>(Url($"v1.0/secrets/secretstore/{RuntimeProcesses.SecretName}")))!;
        Assert.Equal(RuntimeProcesses.SecretValue, secret[RuntimeProcesses.SecretName]!.GetValue<string>());
        using var unknownStore = await Http.GetAsync(Url("v1.0/secrets/nope/x"));
        Assert.Equal(HttpStatusCode.Unauthorized, unknownStore.StatusCode);

        var resource = "res-" + Guid.NewGuid().ToString("N");
        var locked = await (await Http.PostAsync(Url("v1.0-alpha1/lock/lockstore"), Json($$$"""{"resourceId":"{{{resource}}}","lockOwner":"a","expiryInSeconds":30}"""))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(locked!["success"]!.GetValue<bool>());
        var contended = await (await Http.PostAsync(Url("v1.0-alpha1/lock/lockstore"), Json($$$"""{"resourceId":"{{{resource}}}","lockOwner":"b","expiryInSeconds":30}"""))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.False(contended!["success"]!.GetValue<bool>());
        var others = await (await Http.PostAsync(Url("v1.0-alpha1/unlock/lockstore"), Json($$$"""{"resourceId":"{{{resource}}}","lockOwner":"b"}"""))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(2, others!["status"]!.GetValue<int>());
        var released = await (await Http.PostAsync(Url("v1.0-alpha1/unlock/lockstore"), Json($$$"""{"resourceId":"{{{resource}}}","lockOwner":"a"}"""))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(0, released!["status"]!.GetValue<int>());
        using var badExpiry = await Http.PostAsync(Url("v1.0-alpha1/lock/lockstore"), Json($$$"""{"resourceId":"{{{resource}}}","lockOwner":"a","expiryInSeconds":0}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badExpiry.StatusCode);
        // protojson also takes the proto field names.
        var protoNames = await (await Http.PostAsync(Url("v1.0-alpha1/lock/lockstore"), Json($$$"""{"resource_id":"{{{resource}}}","lock_owner":"c","expiry_in_seconds":30}"""))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(protoNames!["success"]!.GetValue<bool>());
        var protoUnlock = await (await Http.PostAsync(Url("v1.0-alpha1/unlock/lockstore"), Json($$$"""{"resource_id":"{{{resource}}}","lock_owner":"c"}"""))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(0, protoUnlock!["status"]!.GetValue<int>());

        var metadata = (await Http.GetFromJsonAsync<JsonObject>(Url("v1.0/metadata")))!;
        Assert.Equal(RuntimeProcesses.AppId, metadata["id"]!.GetValue<string>());
        var types = metadata["components"]!.AsArray().Select(c => c!["type"]!.GetValue<string>()).ToList();
        Assert.Contains("state.sqlite", types);
        Assert.Contains("configuration.rototo", types);
        using var health = await Http.GetAsync(Url("v1.0/healthz"));
        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
    }

    [Fact]
    public async Task Health_checks_the_app_id_it_is_asked_about()
    {
        using var matching = await Http.GetAsync(Url($"v1.0/healthz?appid={RuntimeProcesses.AppId}"));
        Assert.Equal(HttpStatusCode.NoContent, matching.StatusCode);

        using var other = await Http.GetAsync(Url("v1.0/healthz?appid=someone-else"));
        Assert.Equal(HttpStatusCode.InternalServerError, other.StatusCode);
        Assert.Equal("ERR_HEALTH_APPID_NOT_MATCH", (await other.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Output_binding_failures_are_500_err_invoke_output_binding()
    {
        using var unknown = await Http.PostAsync(Url("v1.0/bindings/no-such-binding"), Json("""{"operation":"create","data":"x"}"""));

        Assert.Equal(HttpStatusCode.InternalServerError, unknown.StatusCode);
        Assert.Equal("ERR_INVOKE_OUTPUT_BINDING", (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bulk_get_returns_each_items_ttl_expire_time_and_metadata_omits_empty_fields()
    {
        var key = "bulk-ttl-" + Guid.NewGuid().ToString("N");
        var before = DateTimeOffset.UtcNow;
        (await Http.PostAsync(Url("v1.0/state/statestore"), Json($$$"""[{"key":"{{{key}}}","value":1,"metadata":{"ttlInSeconds":"600"}}]"""))).Dispose();

        using var bulk = await Http.PostAsync(Url("v1.0/state/statestore/bulk"), Json($$$"""{"keys":["{{{key}}}"]}"""));
        var expires = DateTimeOffset.Parse((await bulk.Content.ReadFromJsonAsync<JsonArray>())![0]!["metadata"]!["ttlExpireTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

        // 600 s after the save, to the second.
        Assert.InRange(expires, before.AddSeconds(599), DateTimeOffset.UtcNow.AddSeconds(601));
        var subscriptions = (await Http.GetFromJsonAsync<JsonObject>(Url("v1.0/metadata")))!["subscriptions"]!.AsArray();
        var orders = subscriptions.Single(s => s!["topic"]!.GetValue<string>() == "orders")!.AsObject();
        Assert.False(orders.ContainsKey("deadLetterTopic"), "a subscription without a dead-letter topic has no deadLetterTopic field: " + orders.ToJsonString());
        Assert.Equal("flaky-dead", subscriptions.Single(s => s!["topic"]!.GetValue<string>() == "flaky")!["deadLetterTopic"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_scheduled_job_fires_to_the_app()
    {
        var name = "job-" + Guid.NewGuid().ToString("N");
        using var schedule = await Http.PostAsync(Url($"v1.0-alpha1/jobs/{name}"), Json("""{"dueTime":"1s","data":{"run":"nightly"}}"""));
        Assert.Equal(HttpStatusCode.NoContent, schedule.StatusCode);
        var job = (await Http.GetFromJsonAsync<JsonObject>(Url($"v1.0-alpha1/jobs/{name}")))!;
        Assert.Equal(name, job["name"]!.GetValue<string>());

        var fired = await runtime.WaitForReceivedAsync(r => r["path"]!.GetValue<string>() == "/job/" + name);
        Assert.Equal("nightly", Assert.Single(fired)["body"]!["run"]!.GetValue<string>());
    }

    [Fact]
    public async Task Files_and_database_routes_store_and_query()
    {
        var name = $"docs/{Guid.NewGuid():N}.txt";
        using (var put = await Http.PutAsync(Url($"v1.0-alpha1/files/files/{name}"), new StringContent("hello file")))
        {
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        }
        Assert.Equal("hello file", await Http.GetStringAsync(Url($"v1.0-alpha1/files/files/{name}")));
        using (var escape = await Http.PutAsync(Url("v1.0-alpha1/files/files/..%2Fescape.txt"), new StringContent("x")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, escape.StatusCode);
        }

        var table = "t" + Guid.NewGuid().ToString("N");
        (await Http.PostAsync(Url("v1.0-alpha1/database/database/execute"), Json($$$"""{"sql":"CREATE TABLE {{{table}}} (id INTEGER, name TEXT)"}"""))).Dispose();
        var inserted = (await (await Http.PostAsync(Url("v1.0-alpha1/database/database/execute"), Json($$$"""{"sql":"INSERT INTO {{{table}}} VALUES (?, ?)","params":[7,"seven"]}"""))).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(1, inserted["rowsAffected"]!.GetValue<long>());
        var rows = (await (await Http.PostAsync(Url("v1.0-alpha1/database/database/query"), Json($$$"""{"sql":"SELECT id, name FROM {{{table}}} WHERE id = ?","params":[7]}"""))).Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal("""[{"id":7,"name":"seven"}]""", rows.ToJsonString());
        using var bad = await Http.PostAsync(Url("v1.0-alpha1/database/database/query"), Json("""{"sql":"SELECT * FROM no_such_table"}"""));
        Assert.Equal(HttpStatusCode.InternalServerError, bad.StatusCode);
        Assert.Contains("no such table", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_token_is_required_except_for_health_checks()
    {
        var data = TempFolders.New("cr-e2e-token-");
        var endpoint = await runtime.StartRuntimeAsync(data, appPort: null, apiToken: "t0ken");

        using var denied = await Http.GetAsync(new Uri(endpoint, "v1.0/metadata"));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        using var health = await Http.GetAsync(new Uri(endpoint, "v1.0/healthz"));
        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
        using var allowed = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "v1.0/metadata"));
        allowed.Headers.Add("dapr-api-token", "t0ken");
        using var response = await Http.SendAsync(allowed);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A JSON body with the content type curl and the Dapr SDKs send, <c>application/json</c> without a charset.</summary>
    private static ByteArrayContent Json(string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }
}
