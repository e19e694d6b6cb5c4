using System.Globalization;
using System.Text;
using CloudRuntimes.Components;
using CloudRuntimes.Components.Composition;
using CloudRuntimes.State;

namespace CloudRuntimes.Tests.Conformance;

/// <summary>
/// The state store conformance suite (Dapr <c>tests/conformance/state</c>, checks ST-02 … ST-17 of the reference):
/// byte-exact round trips, bulk get, ETag lifecycle, first-write, transactions all-or-nothing and in order, TTL.
/// Every store here advertises ETag, transactions and TTL, so every check runs.
/// </summary>
public abstract class StateStoreConformance : ComponentConformance<IStateStore>
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    /// <inheritdoc />
    protected override IStateStore Resolve(CloudRuntimesComponents components, string name) => components.GetStateStore(name);

    private IStateStore Store => Component;

    private string Key(string name) => $"{_run}-{name}";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static Dictionary<string, string> Ttl(string seconds) => new() { [StateMetadata.TtlInSeconds] = seconds };

    [Fact]
    public void Store_advertises_etag_transactions_and_ttl()
    {
        Assert.Equal(StateStoreFeatures.ETag | StateStoreFeatures.Transactional | StateStoreFeatures.Ttl, Store.Features);
    }

    [Fact]
    public async Task Saved_bytes_come_back_byte_exact_with_an_etag()
    {
        byte[] value = [0x01, 0x00, 0xff, 0x7b];
        await Store.SaveAsync(new SaveStateItem(Key("bytes"), value));

        var item = await Store.GetAsync(Key("bytes"));

        Assert.NotNull(item);
        Assert.Equal(value, item.Value.ToArray());
        Assert.False(string.IsNullOrEmpty(item.ETag));
    }

    [Fact]
    public async Task Empty_value_and_json_string_round_trip()
    {
        await Store.SaveAsync([new SaveStateItem(Key("empty"), Array.Empty<byte>()), new SaveStateItem(Key("json"), Utf8("\"{\\\"a\\\":\\\"b\\\"}\""))]);

        Assert.Empty((await Store.GetAsync(Key("empty")))!.Value.ToArray());
        Assert.Equal("\"{\\\"a\\\":\\\"b\\\"}\"", Encoding.UTF8.GetString((await Store.GetAsync(Key("json")))!.Value.Span));
    }

    [Fact]
    public async Task Keys_with_special_characters_and_large_values_round_trip()
    {
        var key = Key("ünï cödé/with spaces:and|pipe?&=%");
        var large = new byte[1024 * 1024];
        new Random(7).NextBytes(large);

        await Store.SaveAsync(new SaveStateItem(key, large));

        Assert.Equal(large, (await Store.GetAsync(key))!.Value.ToArray());
    }

    [Fact]
    public async Task Missing_key_reads_as_null()
    {
        Assert.Null(await Store.GetAsync(Key("never-saved")));
    }

    [Fact]
    public async Task Key_containing_double_pipe_is_rejected()
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.SaveAsync(new SaveStateItem("a||b", Utf8("1"))));

        Assert.Equal(CloudRuntimesErrors.MalformedRequest.Code, error.ErrorCode);
    }

    [Fact]
    public async Task Deleted_key_reads_as_null_and_deleting_a_missing_key_succeeds()
    {
        await Store.SaveAsync(new SaveStateItem(Key("gone"), Utf8("1")));

        await Store.DeleteAsync(Key("gone"));
        await Store.DeleteAsync(Key("never-there"));

        Assert.Null(await Store.GetAsync(Key("gone")));
    }

    [Fact]
    public async Task Bulk_get_returns_one_entry_per_key_with_missing_keys_empty()
    {
        await Store.SaveAsync([new SaveStateItem(Key("b1"), Utf8("one")), new SaveStateItem(Key("b2"), Utf8("two"))]);

        var items = await Store.GetBulkAsync([Key("b1"), Key("missing"), Key("b2")]);

        Assert.Equal([Key("b1"), Key("missing"), Key("b2")], items.Select(i => i.Key));
        Assert.Equal("one", Encoding.UTF8.GetString(items[0].Value!.Value.Span));
        Assert.Null(items[1].Value);
        Assert.Null(items[1].ETag);
        Assert.Null(items[1].Error);
        Assert.Equal("two", Encoding.UTF8.GetString(items[2].Value!.Value.Span));
        Assert.False(string.IsNullOrEmpty(items[2].ETag));
    }

    [Fact]
    public async Task Bulk_get_with_max_value_bytes_reads_values_that_fit_and_refuses_more()
    {
        // Five values of 100 bytes: 500 bytes in all; a key asked for twice is read once, so it counts once.
        var keys = Enumerable.Range(0, 5).Select(i => Key($"m{i}")).ToList();
        await Store.SaveAsync([.. keys.Select(k => new SaveStateItem(k, new byte[100]))]);
        List<string> asked = [.. keys, keys[0], Key("absent")];

        var items = await Store.GetBulkAsync(asked, new GetStateOptions { MaxValueBytes = 500 });
        Assert.Equal(asked, items.Select(i => i.Key));
        Assert.All(items.Take(6), i => Assert.Equal(100, i.Value!.Value.Length));
        Assert.Null(items[6].Value);

        var refused = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.GetBulkAsync(asked, new GetStateOptions { MaxValueBytes = 499 }));
        Assert.Equal(CloudRuntimesErrors.ResponseTooLarge, refused.Error);
    }

    [Fact]
    public async Task Save_with_a_stale_etag_fails_with_etag_mismatch_and_keeps_the_value()
    {
        await Store.SaveAsync(new SaveStateItem(Key("e"), Utf8("v1")));
        var first = (await Store.GetAsync(Key("e")))!.ETag;
        await Store.SaveAsync(new SaveStateItem(Key("e"), Utf8("v2"), first));

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.SaveAsync(new SaveStateItem(Key("e"), Utf8("v3"), first)));

        Assert.Equal(CloudRuntimesErrors.StateETagMismatch.Code, error.ErrorCode);
        Assert.Equal("v2", Encoding.UTF8.GetString((await Store.GetAsync(Key("e")))!.Value.Span));
    }

    [Fact]
    public async Task Save_with_the_current_etag_succeeds_and_changes_the_etag()
    {
        await Store.SaveAsync(new SaveStateItem(Key("e"), Utf8("v1")));
        var first = (await Store.GetAsync(Key("e")))!.ETag;

        await Store.SaveAsync(new SaveStateItem(Key("e"), Utf8("v2"), first));

        var item = await Store.GetAsync(Key("e"));
        Assert.Equal("v2", Encoding.UTF8.GetString(item!.Value.Span));
        Assert.NotEqual(first, item.ETag);
    }

    [Fact]
    public async Task Save_with_an_etag_for_a_missing_key_fails()
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.SaveAsync(new SaveStateItem(Key("absent"), Utf8("v"), "1")));

        Assert.Equal(CloudRuntimesErrors.StateETagMismatch.Code, error.ErrorCode);
        Assert.Null(await Store.GetAsync(Key("absent")));
    }

    [Fact]
    public async Task Bulk_save_with_one_stale_etag_applies_the_others_and_names_the_failing_key()
    {
        await Store.SaveAsync([new SaveStateItem(Key("ok"), Utf8("old")), new SaveStateItem(Key("bad"), Utf8("old"))]);
        var badEtag = (await Store.GetAsync(Key("bad")))!.ETag;

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.SaveAsync([
            new SaveStateItem(Key("ok"), Utf8("new")),
            new SaveStateItem(Key("bad"), Utf8("new"), "stale-etag"),
        ]));

        Assert.Equal(CloudRuntimesErrors.StateETagMismatch.Code, error.ErrorCode);
        Assert.Contains(Key("bad"), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key("ok"), error.Message, StringComparison.Ordinal);
        Assert.Equal("new", Encoding.UTF8.GetString((await Store.GetAsync(Key("ok")))!.Value.Span));
        var bad = await Store.GetAsync(Key("bad"));
        Assert.Equal("old", Encoding.UTF8.GetString(bad!.Value.Span));
        Assert.Equal(badEtag, bad.ETag);
    }

    [Fact]
    public async Task Delete_with_a_stale_etag_fails_and_with_the_current_etag_deletes()
    {
        await Store.SaveAsync(new SaveStateItem(Key("d"), Utf8("v")));
        var etag = (await Store.GetAsync(Key("d")))!.ETag;

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.DeleteAsync(Key("d"), "stale-etag"));
        Assert.Equal(CloudRuntimesErrors.StateETagMismatch.Code, error.ErrorCode);
        Assert.NotNull(await Store.GetAsync(Key("d")));

        await Store.DeleteAsync(Key("d"), etag);
        Assert.Null(await Store.GetAsync(Key("d")));
    }

    [Fact]
    public async Task First_write_without_etag_fails_when_the_key_exists()
    {
        var item = new SaveStateItem(Key("fw"), Utf8("first"), null, StateConcurrency.FirstWrite, StateConsistency.Strong);
        await Store.SaveAsync(item);

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.SaveAsync(item with { Value = Utf8("second") }));
        var emptyEtag = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.SaveAsync(item with { Value = Utf8("second"), ETag = "" }));

        Assert.Equal(CloudRuntimesErrors.StateETagMismatch.Code, error.ErrorCode);
        Assert.Equal(CloudRuntimesErrors.StateETagMismatch.Code, emptyEtag.ErrorCode);
        Assert.Equal("first", Encoding.UTF8.GetString((await Store.GetAsync(Key("fw")))!.Value.Span));
    }

    [Fact]
    public async Task First_write_with_the_current_etag_succeeds_once_and_the_stale_etag_then_fails()
    {
        await Store.SaveAsync(new SaveStateItem(Key("fwe"), Utf8("v1")));
        var e1 = (await Store.GetAsync(Key("fwe")))!.ETag;

        await Store.SaveAsync(new SaveStateItem(Key("fwe"), Utf8("v2"), e1, StateConcurrency.FirstWrite));
        var e2 = (await Store.GetAsync(Key("fwe")))!.ETag;
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.SaveAsync(new SaveStateItem(Key("fwe"), Utf8("v3"), e1, StateConcurrency.FirstWrite)));

        Assert.NotEqual(e1, e2);
        Assert.Equal(CloudRuntimesErrors.StateETagMismatch.Code, error.ErrorCode);
    }

    [Fact]
    public async Task Transaction_applies_operations_in_order()
    {
        await Store.SaveAsync(new SaveStateItem(Key("t1"), Utf8("\"value1\"")));

        await Store.ExecuteTransactionAsync([
            StateOperation.ForDelete(new DeleteStateItem(Key("t1"))),
            StateOperation.ForUpsert(new SaveStateItem(Key("t2"), Utf8("\"value2\""))),
            StateOperation.ForDelete(new DeleteStateItem(Key("t2"))),
            StateOperation.ForUpsert(new SaveStateItem(Key("t3"), Utf8("\"value3\""))),
        ]);

        Assert.Null(await Store.GetAsync(Key("t1")));
        Assert.Null(await Store.GetAsync(Key("t2")));
        Assert.Equal("\"value3\"", Encoding.UTF8.GetString((await Store.GetAsync(Key("t3")))!.Value.Span));
    }

    [Fact]
    public async Task Transaction_deleting_a_missing_key_succeeds()
    {
        await Store.ExecuteTransactionAsync([StateOperation.ForDelete(new DeleteStateItem(Key("non-existent-key")))]);

        Assert.Null(await Store.GetAsync(Key("non-existent-key")));
    }

    [Fact]
    public async Task Transaction_with_a_stale_etag_applies_nothing()
    {
        await Store.SaveAsync([new SaveStateItem(Key("a"), Utf8("a0")), new SaveStateItem(Key("b"), Utf8("b0"))]);

        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.ExecuteTransactionAsync([
            StateOperation.ForUpsert(new SaveStateItem(Key("a"), Utf8("a1"))),
            StateOperation.ForDelete(new DeleteStateItem(Key("b"))),
            StateOperation.ForUpsert(new SaveStateItem(Key("c"), Utf8("c1"))),
            StateOperation.ForUpsert(new SaveStateItem(Key("b"), Utf8("b1"), "stale-etag")),
        ]));

        Assert.Equal(CloudRuntimesErrors.StateTransaction.Code, error.ErrorCode);
        Assert.Equal("a0", Encoding.UTF8.GetString((await Store.GetAsync(Key("a")))!.Value.Span));
        Assert.Equal("b0", Encoding.UTF8.GetString((await Store.GetAsync(Key("b")))!.Value.Span));
        Assert.Null(await Store.GetAsync(Key("c")));
    }

    [Fact]
    public async Task Item_with_a_ttl_is_readable_then_expires()
    {
        await Store.SaveAsync(new SaveStateItem(Key("ttl"), Utf8("short"), Metadata: Ttl("2")));

        Assert.NotNull(await Store.GetAsync(Key("ttl")));
        await Eventually.HoldsAsync(async () => await Store.GetAsync(Key("ttl")) is null, TimeSpan.FromSeconds(6), "the item with ttlInSeconds=2 to expire");
        Assert.Null((await Store.GetBulkAsync([Key("ttl")]))[0].Value);
    }

    [Fact]
    public async Task Ttl_expire_time_is_reported_and_removed_by_minus_one_or_a_save_without_ttl()
    {
        await Store.SaveAsync(new SaveStateItem(Key("x"), Utf8("v"), Metadata: Ttl("3600")));

        var expire = DateTimeOffset.Parse((await Store.GetAsync(Key("x")))!.Metadata[StateMetadata.TtlExpireTime], CultureInfo.InvariantCulture);
        Assert.InRange(expire, DateTimeOffset.UtcNow.AddMinutes(50), DateTimeOffset.UtcNow.AddMinutes(70));

        await Store.SaveAsync(new SaveStateItem(Key("x"), Utf8("v"), Metadata: Ttl("-1")));
        Assert.False((await Store.GetAsync(Key("x")))!.Metadata.ContainsKey(StateMetadata.TtlExpireTime));

        await Store.SaveAsync(new SaveStateItem(Key("y"), Utf8("v"), Metadata: Ttl("1")));
        await Store.SaveAsync(new SaveStateItem(Key("y"), Utf8("v")));
        await Task.Delay(1500);
        Assert.NotNull(await Store.GetAsync(Key("y")));
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("-2")]
    public async Task Invalid_ttl_is_rejected_and_nothing_is_stored(string ttl)
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.SaveAsync(new SaveStateItem(Key("bad-ttl"), Utf8("v"), Metadata: Ttl(ttl))));

        Assert.Equal(CloudRuntimesErrors.MalformedRequest.Code, error.ErrorCode);
        Assert.Null(await Store.GetAsync(Key("bad-ttl")));
    }

    [Fact]
    public async Task Keys_are_listed_by_prefix_a_page_at_a_time_without_expired_or_deleted_keys()
    {
        await Store.SaveAsync([
            new SaveStateItem(Key("list/a1"), Utf8("1")), new SaveStateItem(Key("list/a2"), Utf8("2")), new SaveStateItem(Key("list/a3"), Utf8("3")),
            new SaveStateItem(Key("list/a4"), Utf8("4")), new SaveStateItem(Key("list/b1"), Utf8("5")),
            new SaveStateItem(Key("list/a5"), Utf8("short-lived"), Metadata: Ttl("1")),
        ]);
        await Store.DeleteAsync(Key("list/a4"));
        await Eventually.HoldsAsync(async () => await Store.GetAsync(Key("list/a5")) is null, TimeSpan.FromSeconds(6), "the item with ttlInSeconds=1 to expire");

        var listed = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.ListKeysAsync(new StateKeyQuery(Key("list/a"), 2, token));
            Assert.InRange(page.Keys.Count, 0, 2);
            listed.AddRange(page.Keys);
            token = page.ContinuationToken;
            Assert.True(++pages <= 10, "the listing does not end");
        }
        while (token is not null);

        Assert.Equal([Key("list/a1"), Key("list/a2"), Key("list/a3")], listed.Order(StringComparer.Ordinal));
        Assert.Equal([Key("list/b1")], (await Store.ListKeysAsync(new StateKeyQuery(Key("list/b")))).Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task Key_listing_with_a_limit_out_of_range_is_malformed(int limit)
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.ListKeysAsync(new StateKeyQuery(Key("x"), limit)));

        Assert.Equal(CloudRuntimesErrors.MalformedRequest.Code, error.ErrorCode);
    }

    [Fact]
    public async Task Key_listing_with_a_token_the_store_did_not_give_is_malformed()
    {
        var error = await Assert.ThrowsAsync<CloudRuntimesException>(() => Store.ListKeysAsync(new StateKeyQuery(Key("x"), 10, "not a token!")));

        Assert.Equal(CloudRuntimesErrors.MalformedRequest.Code, error.ErrorCode);
    }
}
