using System.Text;
using CloudRuntimes.State;

namespace CloudRuntimes.Tests.BuiltIn;

/// <summary>
/// <see cref="StateQuery.Parse"/> bounds a query's size as it reads it (<see cref="StateQueryLimits"/>): filter terms
/// (operators and IN values together), AND/OR nesting, path length and steps, sort keys. A query at a limit is read; one
/// past it is <c>ERR_MALFORMED_REQUEST</c> naming the part and the limit.
/// </summary>
public sealed class StateQueryLimitTests
{
    private static readonly StateQueryLimits Small = new() { MaxFilterTerms = 10, MaxFilterDepth = 3, MaxPathLength = 50, MaxPathSegments = 4, MaxSortKeys = 2 };

    [Theory]
    // An OR of 9 conditions is 10 terms.
    [InlineData("""{"filter":{"OR":[{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}}]}}""")]
    // An AND, an IN and 8 values: 10 terms.
    [InlineData("""{"filter":{"AND":[{"IN":{"a":[1,2,3,4,5,6,7,8]}}]}}""")]
    // Three levels: AND, OR, EQ.
    [InlineData("""{"filter":{"AND":[{"OR":[{"EQ":{"a":1}}]}]}}""")]
    // 50 characters in 4 steps; two sort keys.
    [InlineData("""{"filter":{"EQ":{"aaaaaaaaaaaa.bbbbbbbbbbbb.cccccccccccc.ddddddddddd":1}},"sort":[{"key":"a.b.c.d"},{"key":"b"}]}""")]
    public void A_query_at_each_limit_is_read(string query)
    {
        var parsed = StateQuery.Parse(Encoding.UTF8.GetBytes(query), Small);

        Assert.NotNull(parsed);
    }

    [Theory]
    [InlineData("""{"filter":{"OR":[{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}},{"EQ":{"a":1}}]}}""",
        "state query: filter has more than 10 terms (operators and IN values); narrow the query or split it")]
    [InlineData("""{"filter":{"AND":[{"IN":{"a":[1,2,3,4,5,6,7,8,9]}}]}}""",
        "state query: filter has more than 10 terms (operators and IN values); narrow the query or split it")]
    [InlineData("""{"filter":{"AND":[{"OR":[{"AND":[{"EQ":{"a":1}}]}]}]}}""",
        "state query: filter.AND[0].OR[0].AND: filters nest more than 3 levels deep")]
    [InlineData("""{"filter":{"OR":[{"EQ":{"a":1}},{"GT":{"aaaaaaaaaaaa.bbbbbbbbbbbb.cccccccccccc.dddddddddddd":1}}]}}""",
        "state query: filter.OR[1].GT: the path \"aaaaaaaaaaaa.bbbbbbbbbbbb.cccccccccccc.d…\" is 51 characters long; a path may have at most 50")]
    [InlineData("""{"filter":{"EQ":{"a.b.c.d.e":1}}}""",
        "state query: filter.EQ: the path \"a.b.c.d.e\" has 5 steps; a path may have at most 4")]
    [InlineData("""{"sort":[{"key":"a"},{"key":"...."}]}""",
        "state query: sort[1].key: the path \"....\" has 5 steps; a path may have at most 4")]
    [InlineData("""{"sort":[{"key":"a"},{"key":"b"},{"key":"c"}]}""",
        "state query: sort has 3 keys; a query may sort by at most 2")]
    public void A_query_past_a_limit_is_malformed_naming_the_part_and_the_limit(string query, string message)
    {
        var error = Assert.Throws<CloudRuntimesException>(() => StateQuery.Parse(Encoding.UTF8.GetBytes(query), Small));

        Assert.Equal(CloudRuntimesErrors.MalformedRequest, error.Error);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void The_default_limits_refuse_the_audits_queries()
    {
        // An OR of 260,000 terms took 33 s, a sort on a path of 4 million dots 290 s, before these limits.
        var or = "{\"filter\":{\"OR\":[" + string.Join(',', Enumerable.Repeat("""{"EQ":{"n":-1}}""", 260_000)) + "]}}";
        var dots = "{\"sort\":[{\"key\":\"" + new string('.', 4_000_000) + "\"}]}";

        var tooManyTerms = Assert.Throws<CloudRuntimesException>(() => StateQuery.Parse(Encoding.UTF8.GetBytes(or)));
        var tooLong = Assert.Throws<CloudRuntimesException>(() => StateQuery.Parse(Encoding.UTF8.GetBytes(dots)));

        Assert.Equal("state query: filter has more than 1000 terms (operators and IN values); narrow the query or split it", tooManyTerms.Message);
        Assert.StartsWith("state query: sort[0].key: the path \"....", tooLong.Message, StringComparison.Ordinal);
        Assert.EndsWith("is 4000000 characters long; a path may have at most 1024", tooLong.Message, StringComparison.Ordinal);
    }
}
