namespace Vtx.Protocol;

/// <summary>WIT <c>auth-types.user-context</c>: the identity an authenticating plugin returns.</summary>
/// <param name="UserId">Stable user id.</param>
/// <param name="Username">Login name.</param>
/// <param name="Groups">Group names, in the plugin's order.</param>
/// <param name="Metadata">A JSON object serialized as a string.</param>
public sealed record UserContext(string UserId, string Username, IReadOnlyList<string> Groups, string Metadata)
{
    /// <inheritdoc/>
    public bool Equals(UserContext? other) =>
        other is not null && UserId == other.UserId && Username == other.Username
        && Metadata == other.Metadata && Groups.SequenceEqual(other.Groups);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(UserId, Username, Metadata, Groups.Count);
}
