namespace Rototo.Sources;

/// <summary>What a <see cref="SourceFingerprint"/> identifies (§14.1 <c>SourceFingerprint</c>).</summary>
public enum SourceFingerprintKind
{
    /// <summary>The commit a git source was checked out at (<c>git rev-parse HEAD</c>, 40 lowercase hex).</summary>
    GitCommit,

    /// <summary>An HTTP validator of an archive: <c>etag:{ETag}</c> (preferred) or <c>last-modified:{Last-Modified}</c>.</summary>
    HttpValidator,

    /// <summary><c>sha256:{lowercase hex}</c> of the archive bytes, when the server sent no validator.</summary>
    ContentHash,

    /// <summary>A layered workspace: one fingerprint per layer, parents first (§13).</summary>
    WorkspaceLayers,
}

/// <summary>
/// Identifies the exact content a source was loaded from, so a refresh can tell whether anything changed (§12, §13, §14.2).
/// Local paths have no fingerprint. Equality compares kind, value and layers.
/// </summary>
public sealed class SourceFingerprint : IEquatable<SourceFingerprint>
{
    private SourceFingerprint(SourceFingerprintKind kind, string? value, IReadOnlyList<SourceFingerprint> layers)
    {
        Kind = kind;
        Value = value;
        Layers = layers;
    }

    /// <summary>What the fingerprint identifies.</summary>
    public SourceFingerprintKind Kind { get; }

    /// <summary>The commit, validator or hash; null for <see cref="SourceFingerprintKind.WorkspaceLayers"/>.</summary>
    public string? Value { get; }

    /// <summary>Per-layer fingerprints for <see cref="SourceFingerprintKind.WorkspaceLayers"/>; empty otherwise.</summary>
    public IReadOnlyList<SourceFingerprint> Layers { get; }

    /// <summary>A git commit fingerprint.</summary>
    /// <param name="commit">The commit id.</param>
    /// <returns>The fingerprint.</returns>
    public static SourceFingerprint GitCommit(string commit) => new(SourceFingerprintKind.GitCommit, commit, []);

    /// <summary>An HTTP validator fingerprint.</summary>
    /// <param name="validator"><c>etag:…</c> or <c>last-modified:…</c>.</param>
    /// <returns>The fingerprint.</returns>
    public static SourceFingerprint HttpValidator(string validator) => new(SourceFingerprintKind.HttpValidator, validator, []);

    /// <summary>A content hash fingerprint.</summary>
    /// <param name="hash"><c>sha256:…</c>.</param>
    /// <returns>The fingerprint.</returns>
    public static SourceFingerprint ContentHash(string hash) => new(SourceFingerprintKind.ContentHash, hash, []);

    /// <summary>A layered fingerprint.</summary>
    /// <param name="layers">One fingerprint per layer, parents first.</param>
    /// <returns>The fingerprint.</returns>
    public static SourceFingerprint WorkspaceLayers(IEnumerable<SourceFingerprint> layers) => new(SourceFingerprintKind.WorkspaceLayers, null, [.. layers]);

    /// <inheritdoc />
    public bool Equals(SourceFingerprint? other) =>
        other is not null && Kind == other.Kind && Value == other.Value && Layers.SequenceEqual(other.Layers);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SourceFingerprint);

    /// <inheritdoc />
    public override int GetHashCode() => Layers.Aggregate(HashCode.Combine(Kind, Value), HashCode.Combine);

    /// <summary>rototo's debug form, e.g. <c>GitCommit("3f2a…")</c> or <c>WorkspaceLayers([…])</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind == SourceFingerprintKind.WorkspaceLayers
        ? $"WorkspaceLayers([{string.Join(", ", Layers)}])"
        : $"{Kind}(\"{Value}\")";
}
