using System.Text.Json;
using Rototo.Runtime;

namespace Rototo.Tests.Acceptance;

/// <summary>The bucket hash, bit-exact (rototo-acceptance.md A; spec §4.4).</summary>
public sealed class BucketTests
{
    [Theory]
    [InlineData("known-salt", "user-123", 9913)]
    [InlineData("search-ranking-hybrid-2026-06", "acct-0001", 2978)]
    [InlineData("search-ranking-hybrid-2026-06", "acct-0005", 134)]
    [InlineData("service-degradation-recovery-2026-06", "acct-0001", 5274)]
    [InlineData("service-degradation-recovery-2026-06", "acct-001", 540)]
    [InlineData("checkout-redesign-2026-05", "user-123", 9416)]
    [InlineData("checkout-redesign-2026-05", "user-10", 145)]
    [InlineData("checkout-redesign-2026-05", "a=b", 9098)]
    [InlineData("checkout-redesign-2026-05", "123", 9862)]
    public void String_values_hash_their_raw_text(string salt, string value, int expected)
    {
        Assert.Equal(expected, Bucket.Of(salt, value));
        Assert.Equal(expected, Bucket.Of(salt, JsonSerializer.SerializeToElement(value)));
    }

    [Theory]
    [InlineData("123", 9862)]
    [InlineData("100", 209)]
    [InlineData("100.0", 2263)]
    [InlineData("1.5", 3696)]
    [InlineData("true", 622)]
    public void Non_string_values_hash_their_compact_json(string json, int expected)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Equal(expected, Bucket.Of("checkout-redesign-2026-05", document.RootElement));
    }

    [Fact]
    public void Escaped_strings_hash_the_unescaped_text()
    {
        using var document = JsonDocument.Parse("\"a\\u003db\"");
        Assert.Equal(9098, Bucket.Of("checkout-redesign-2026-05", document.RootElement));
    }

    [Fact]
    public void Fnv_constants_are_the_64_bit_fnv1a_ones()
    {
        Assert.Equal(14695981039346656037UL, Bucket.OffsetBasis);
        Assert.Equal(1099511628211UL, Bucket.Prime);
        Assert.Equal(10000, Bucket.Count);
    }

    [Theory]
    [InlineData(9913, 9914, true)]
    [InlineData(9914, 9915, false)]
    [InlineData(9912, 9913, false)]
    public void Bucket_range_is_start_inclusive_and_end_exclusive(int start, int end, bool expected)
    {
        using var workspace = new TempWorkspace()
            .Write("qualifiers/rollout.toml", $"schema_version = 1\n\n[[predicate]]\nattribute = \"user.id\"\nop = \"bucket\"\nsalt = \"known-salt\"\nrange = [{start}, {end}]\n");

        var result = Compiled.Open(workspace.Root).ResolveQualifier("rollout", ResolveContext.FromJson("""{"user":{"id":"user-123"}}"""));

        Assert.Equal(expected, result.Value);
    }
}
