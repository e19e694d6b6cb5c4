using CloudRuntimes.Components.Http;

namespace CloudRuntimes.Tests.BuiltIn;

/// <summary>
/// Every URL the runtime builds on someone's behalf stays under its target's address (docs/security.md): whatever
/// the path, the scheme, host and port are the base's, and the base's own path is kept.
/// </summary>
public sealed class TargetUrlTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5000", "//127.0.0.1:9999/x", "http://127.0.0.1:5000//127.0.0.1:9999/x")]
    [InlineData("http://127.0.0.1:5000", "/%2F%2Fevil.example/x", "http://127.0.0.1:5000/%2F%2Fevil.example/x")]
    [InlineData("http://127.0.0.1:5000", "http://evil.example/x", "http://127.0.0.1:5000/http://evil.example/x")]
    [InlineData("http://127.0.0.1:5000", "\\\\evil.example\\x", "http://127.0.0.1:5000/%5C%5Cevil.example%5Cx")]
    [InlineData("http://127.0.0.1:5000", "@evil.example/x", "http://127.0.0.1:5000/@evil.example/x")]
    [InlineData("http://127.0.0.1:5000", "x?y=1#z", "http://127.0.0.1:5000/x%3Fy=1%23z")]
    [InlineData("http://127.0.0.1:5000", "job/%2F%2Fevil%3A1", "http://127.0.0.1:5000/job/%2F%2Fevil%3A1")]
    [InlineData("https://api.example:8443/v2/", "items", "https://api.example:8443/v2/items")]
    [InlineData("https://api.example:8443/v2", "/items", "https://api.example:8443/v2/items")]
    public void A_path_stays_under_the_base_address(string baseUrl, string path, string expected)
    {
        var url = TargetUrl.Under(new Uri(baseUrl), path);

        Assert.Equal(expected, url.AbsoluteUri);
        Assert.Equal(new Uri(baseUrl).GetLeftPart(UriPartial.Authority), url.GetLeftPart(UriPartial.Authority));
    }

    [Fact]
    public void The_query_is_appended_after_the_path()
    {
        Assert.Equal("http://127.0.0.1:5000/echo?x=1", TargetUrl.Under(new Uri("http://127.0.0.1:5000"), "/echo", "?x=1").AbsoluteUri);
    }
}
