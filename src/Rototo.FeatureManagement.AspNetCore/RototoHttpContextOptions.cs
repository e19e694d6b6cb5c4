namespace Rototo.FeatureManagement.AspNetCore;

/// <summary>
/// How <see cref="HttpContextRototoContextAccessor"/> turns a request into a rototo context: each mapping names a
/// context path (dot separated, e.g. <c>user.tier</c>) that receives a string. Values longer than
/// <see cref="MaxValueLength"/> are left out, so a request cannot make the context large.
/// </summary>
public sealed class RototoHttpContextOptions
{
    /// <summary>The context path of the user id (the <c>NameIdentifier</c> claim, else <c>sub</c>, else the identity's name); default <c>user.id</c>; null for none.</summary>
    public string? UserIdPath { get; set; } = "user.id";

    /// <summary>Claim type → context path, e.g. <c>["tier"] = "user.tier"</c> (the first claim of that type).</summary>
    public IDictionary<string, string> Claims { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Request header → context path, e.g. <c>["X-Country"] = "request.country"</c> (the first value).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Longest value taken from a claim or header, in characters; default 256.</summary>
    public int MaxValueLength { get; set; } = 256;
}
