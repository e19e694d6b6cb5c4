namespace Rototo.Sources;

/// <summary>What a cheap check of a source found, before any full load (§14.1 <c>SourceProbe</c>, §14.2 step 2).</summary>
internal enum SourceProbeKind
{
    /// <summary>Same fingerprint as before: nothing to load.</summary>
    Unchanged,

    /// <summary>A different fingerprint: load again.</summary>
    Changed,

    /// <summary>A pinned git commit: can never change.</summary>
    ImmutablePinned,

    /// <summary>The source cannot be checked cheaply (local paths, git without a ref, archives without validators): load again.</summary>
    Unknown,
}

/// <summary>The result of probing a source.</summary>
/// <param name="Kind">What was found.</param>
/// <param name="Fingerprint">The new fingerprint for <see cref="SourceProbeKind.Changed"/> and <see cref="SourceProbeKind.ImmutablePinned"/>.</param>
internal sealed record SourceProbe(SourceProbeKind Kind, SourceFingerprint? Fingerprint)
{
    public static SourceProbe Unchanged { get; } = new(SourceProbeKind.Unchanged, null);

    public static SourceProbe Unknown { get; } = new(SourceProbeKind.Unknown, null);

    public static SourceProbe Changed(SourceFingerprint? fingerprint) => new(SourceProbeKind.Changed, fingerprint);

    public static SourceProbe Pinned(SourceFingerprint fingerprint) => new(SourceProbeKind.ImmutablePinned, fingerprint);
}
