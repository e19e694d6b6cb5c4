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
