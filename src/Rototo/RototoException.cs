namespace Rototo;

/// <summary>What kind of rototo failure a <see cref="RototoException"/> reports.</summary>
public enum RototoErrorCode
{
    /// <summary>The workspace could not be found, read or its manifest is invalid.</summary>
    Workspace,

    /// <summary>A workspace source string is invalid or could not be staged (§12).</summary>
    Source,

    /// <summary><c>Workspace.LoadAsync</c> found lint errors (§14.1).</summary>
    LintFailed,

    /// <summary>The runtime model could not be compiled (§7).</summary>
    Compile,

    /// <summary>The resolve context is not a JSON object or does not match the context schema (§6).</summary>
    InvalidContext,

    /// <summary>Resolution failed: missing context attribute, qualifier cycle (§4).</summary>
    Resolution,

    /// <summary>An unknown variable or qualifier id.</summary>
    NotFound,

    /// <summary>The workspace was loaded without a runtime model (inspect or lint mode Skip).</summary>
    NoRuntime,
}

/// <summary>
/// Every rototo failure. <see cref="Exception.Message"/> is rototo's exact message (for example
/// <c>variable not found: variable://x</c>), so output is comparable with rototo's own.
/// </summary>
public sealed class RototoException : Exception
{
    /// <summary>Creates an exception with rototo's message.</summary>
    /// <param name="code">The failure kind.</param>
    /// <param name="message">rototo's message.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public RototoException(RototoErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Creates an exception with rototo's message and where in the workspace the problem is.</summary>
    /// <param name="code">The failure kind.</param>
    /// <param name="message">rototo's message.</param>
    /// <param name="location">Workspace-relative file and field, e.g. <c>qualifiers/beta.toml predicate[0].op</c>.</param>
    public RototoException(RototoErrorCode code, string message, string? location)
        : base(message)
    {
        Code = code;
        Location = location;
    }

    /// <summary>The failure kind, for callers that branch on it.</summary>
    public RototoErrorCode Code { get; }

    /// <summary>
    /// Where the problem is, when it is in a workspace file: the workspace-relative path, then the field
    /// (<c>variables/banner.toml resolve.rule[1]</c>); null otherwise. Kept apart from <see cref="Exception.Message"/>
    /// so the message stays rototo's exact text.
    /// </summary>
    public string? Location { get; }
}
