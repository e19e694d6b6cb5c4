namespace Rototo.Json;

/// <summary>
/// How deep the files of a workspace may nest. Each file is held to its limit when it is read (past it, the file's
/// parse diagnostic), so that nothing the library later builds from a file meets a depth limit of its own.
/// </summary>
internal static class NestingLimits
{
    /// <summary>
    /// Tables and arrays in one TOML file, its root table included: its JSON nests at most this deep. 64, the default
    /// of Tomlyn and of System.Text.Json.
    /// </summary>
    public const int Toml = 64;

    /// <summary>Objects and arrays in one JSON schema file.</summary>
    public const int Schema = 256;

    /// <summary>
    /// JSON the library builds around a file's content and writes out (custom lint's <c>ctx</c> table, reports): the
    /// deepest file with the few levels that wrap it.
    /// </summary>
    public const int Written = Schema + 8;
}
