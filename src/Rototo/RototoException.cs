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

    /// <summary>The failure kind, for callers that branch on it.</summary>
    public RototoErrorCode Code { get; }
}
