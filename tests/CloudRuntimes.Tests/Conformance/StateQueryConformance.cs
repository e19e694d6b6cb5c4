using System.Text;
using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.State;

namespace CloudRuntimes.Tests.Conformance;

/// <summary>
/// The state query API conformance (ST-18 of the reference, alpha), for the stores that answer it
/// (<see cref="IQueryableStateStore"/>, capability <c>QUERY_API</c>): filters on dotted paths into JSON values,
/// AND/OR/IN, sorting, paging with a token, and malformed queries.
/// </summary>
public abstract class StateQueryConformance : ComponentConformance<IQueryableStateStore>
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    /// <inheritdoc />
    protected override IQueryableStateStore Resolve(CloudRuntimesComponents components, string name) =>
        components.GetStateStore(name) as IQueryableStateStore ?? throw new InvalidOperationException($"{name} does not answer the query API");

    private IQueryableStateStore Store => Component;

    private string Key(string name) => $"{_run}-{name}";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The store with five items: three people, a JSON string and bytes that are not JSON.</summary>
    private async Task<IQueryableStateStore> QueryableWithPeopleAsync()
    {
        await Store.SaveAsync([
            new SaveStateItem(Key("k1"), Utf8("""{"person":{"org":"A","id":1},"state":"CA"}""")),
            new SaveStateItem(Key("k2"), Utf8("""{"person":{"org":"B","id":2},"state":"WA"}""")),
            new SaveStateItem(Key("k3"), Utf8("""{"person":{"org":"A","id":3.0},"state":"WA"}""")),
            new SaveStateItem(Key("k4"), Utf8("\"just a string\"")),
            new SaveStateItem(Key("k5"), new byte[] { 0xff, 0x00 }),
        ]);
        return Store;
    }

    private async Task<List<string>> KeysAsync(IQueryableStateStore store, string query) =>
        [.. (await store.QueryAsync(StateQuery.Parse(Utf8(query)))).Results.Select(r => r.Key[(_run.Length + 1)..])];

    [Fact]
    public async Task Query_filters_on_paths_into_json_values_in_key_order()
    {
        var store = await QueryableWithPeopleAsync();

        Assert.Equal(["k1", "k3"], await KeysAsync(store, """{"filter":{"EQ":{"person.org":"A"}}}"""));
        Assert.Equal(["k2", "k3"], await KeysAsync(store, """{"filter":{"AND":[{"IN":{"state":["WA","CA"]}},{"GTE":{"person.id":2}}]}}"""));
        // 3.0 equals 3: numbers compare by value.
        Assert.Equal(["k3"], await KeysAsync(store, """{"filter":{"EQ":{"person.id":3}}}"""));
        // k4 has no "state": NEQ holds for it; the non-JSON k5 is never a result.
        Assert.Equal(["k2", "k3", "k4"], await KeysAsync(store, """{"filter":{"NEQ":{"state":"CA"}}}"""));
    }

    [Fact]
    public async Task Query_sorts_and_pages_with_a_token()
    {
        var store = await QueryableWithPeopleAsync();

        Assert.Equal(["k2", "k1"], await KeysAsync(store, """{"filter":{"OR":[{"EQ":{"state":"CA"}},{"LT":{"person.id":3}}]},"sort":[{"key":"person.id","order":"DESC"}]}"""));
        var first = await store.QueryAsync(StateQuery.Parse(Utf8("""{"sort":[{"key":"person.id"}],"page":{"limit":2}}""")));
        Assert.Equal(["k1", "k2"], first.Results.Select(r => r.Key[(_run.Length + 1)..]));
        Assert.Equal("""{"person":{"org":"A","id":1},"state":"CA"}""", Encoding.UTF8.GetString(first.Results[0].Data.Span));
        Assert.NotNull(first.Token);
        // An item without the sort path sorts last.
        var second = await store.QueryAsync(StateQuery.Parse(Utf8($$$"""{"sort":[{"key":"person.id"}],"page":{"limit":2,"token":"{{{first.Token}}}"}}""")));
        Assert.Equal(["k3", "k4"], second.Results.Select(r => r.Key[(_run.Length + 1)..]));
        Assert.Null(second.Token);
    }

    /// <summary>Six JSON items with <c>g</c> and mostly a numeric <c>n</c> (ties on 1 and 2; p5 has none) and one that is not JSON.</summary>
    private async Task<IQueryableStateStore> QueryableWithRanksAsync()
    {
        await Store.SaveAsync([
            new SaveStateItem(Key("p1"), Utf8("""{"n":3,"g":"x"}""")),
            new SaveStateItem(Key("p2"), Utf8("""{"n":1,"g":"y"}""")),
            new SaveStateItem(Key("p3"), Utf8("""{"n":2,"g":"x"}""")),
            new SaveStateItem(Key("p4"), Utf8("""{"n":1,"g":"x"}""")),
            new SaveStateItem(Key("p5"), Utf8("""{"g":"x"}""")),
            new SaveStateItem(Key("p6"), Utf8("""{"n":2,"g":"y"}""")),
            new SaveStateItem(Key("p7"), Utf8("not json")),
        ]);
        return Store;
    }

    /// <summary>Every page of a query (<paramref name="members"/>: the JSON object's members but <c>page</c>) of <paramref name="limit"/> items, each as its keys and the token it returned: <c>p1 p2 -> 2</c>, the last <c>-> none</c>.</summary>
    private async Task<List<string>> PagesAsync(IQueryableStateStore store, string members, int limit)
    {
        var pages = new List<string>();
        string? token = null;
        do
        {
            var paging = token is null ? $"\"limit\":{limit}" : $"\"limit\":{limit},\"token\":\"{token}\"";
            var page = await store.QueryAsync(StateQuery.Parse(Utf8("{" + members + ",\"page\":{" + paging + "}}")));
            token = page.Token;
            pages.Add(string.Join(' ', page.Results.Select(r => r.Key[(_run.Length + 1)..])) + " -> " + (token ?? "none"));
        }
        while (token is not null && pages.Count < 10);
        return pages;
    }

    [Fact]
    public async Task Pages_split_the_ranked_matches_with_offset_tokens()
    {
        var store = await QueryableWithRanksAsync();
        const string Mine = "\"filter\":{\"IN\":{\"g\":[\"x\",\"y\"]}}";
        const string ByGThenNDescending = Mine + ""","sort":[{"key":"g"},{"key":"n","order":"DESC"}],"page":{"limit":4,"token":"1"}""";

        // In key order; the last page is full and gives no token.
        Assert.Equal(["p1 p2 -> 2", "p3 p4 -> 4", "p5 p6 -> none"], await PagesAsync(store, Mine, 2));
        // n ascending, ties by key, the item without n last.
        Assert.Equal(["p2 p4 p3 -> 3", "p6 p1 p5 -> none"], await PagesAsync(store, Mine + ""","sort":[{"key":"n"}]""", 3));
        // n descending: the item without n first, ties still by key ascending.
        Assert.Equal(["p5 p1 p3 p6 -> 4", "p2 p4 -> none"], await PagesAsync(store, Mine + ""","sort":[{"key":"n","order":"DESC"}]""", 4));
        // g, then n descending (x: p5 p1 p3 p4, y: p6 p2), from the second item; one more follows.
        Assert.Equal(["p1", "p3", "p4", "p6"], await KeysAsync(store, "{" + ByGThenNDescending + "}"));
        Assert.Equal("5", (await store.QueryAsync(StateQuery.Parse(Utf8("{" + ByGThenNDescending + "}")))).Token);
        // A token past the end: nothing, no token; a token without a limit: the rest.
        var past = await store.QueryAsync(StateQuery.Parse(Utf8("{" + Mine + ""","page":{"limit":2,"token":"10"}}""")));
        Assert.Empty(past.Results);
        Assert.Null(past.Token);
        Assert.Equal(["p5", "p6"], await KeysAsync(store, "{" + Mine + ""","page":{"token":"4"}}"""));
    }

    [Fact]
    public async Task Items_are_in_code_point_order_of_their_keys_across_pages()
    {
        // U+E000 is a single UTF-16 unit above the surrogates of U+1F600, but the lower code point (and UTF-8 bytes).
        await Store.SaveAsync([
            new SaveStateItem(Key("\U0001F600"), Utf8("""{"g":"u"}""")),
            new SaveStateItem(Key("\uE000"), Utf8("""{"g":"u"}""")),
            new SaveStateItem(Key("z"), Utf8("""{"g":"u"}""")),
        ]);

        Assert.Equal(["z -> 1", "\uE000 -> 2", "\U0001F600 -> none"], await PagesAsync(Store, "\"filter\":{\"EQ\":{\"g\":\"u\"}}", 1));
        Assert.Equal(["z", "\uE000", "\U0001F600"], await KeysAsync(Store, """{"filter":{"EQ":{"g":"u"}},"sort":[{"key":"g"}]}"""));
    }

    [Fact]
    public async Task A_query_holding_more_than_its_byte_bound_is_refused_and_a_page_within_it_is_answered()
    {
        // Three values of 2,000 bytes. A bound of 5,000 bytes holds a page of one plus the one that tells another follows
        // (a store that picks the page itself also counts about 300 bytes of objects and the key of each), not all three.
        var pad = new string('x', 1971);
        await Store.SaveAsync([.. Enumerable.Range(1, 3).Select(i => new SaveStateItem(Key($"b{i}"), Utf8($$"""{"kind":"big","n":{{i}},"pad":"{{pad}}"}""")))]);
        var big = """{"filter":{"EQ":{"kind":"big"}}""";

        var page = await Store.QueryAsync(StateQuery.Parse(Utf8(big + ""","sort":[{"key":"n","order":"DESC"}],"page":{"limit":1}}""")) with { MaxValueBytes = 5_000 });
        Assert.Equal([Key("b3")], page.Results.Select(r => r.Key));
        Assert.Equal("1", page.Token);

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.QueryAsync(StateQuery.Parse(Utf8(big + "}")) with { MaxValueBytes = 5_000 }));
        Assert.Equal(CloudRuntimesErrors.ResponseTooLarge.Code, error.ErrorCode);
    }

    [Fact]
    public async Task Query_stops_when_its_caller_has_stopped_waiting()
    {
        var store = await QueryableWithPeopleAsync();
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.QueryAsync(StateQuery.Parse(Utf8("""{"filter":{"EQ":{"person.org":"A"}}}""")), stopped.Token));
    }

    [Fact]
    public void Query_with_an_unknown_operator_is_malformed()
    {
        var error = Assert.Throws<CloudRuntimesException>(() => StateQuery.Parse(Utf8("""{"filter":{"LIKE":{"state":"C%"}}}""")));

        Assert.Equal(CloudRuntimesErrors.MalformedRequest.Code, error.ErrorCode);
        Assert.Contains("LIKE", error.Message, StringComparison.Ordinal);
    }
}
