using Vtx.Host.Components.Binary;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// A component compiled for this host: its core modules compiled, its types resolved, its imports checked, and its
/// instantiation as a list of <see cref="IStep"/>s that fill a <see cref="ComponentInstance"/>'s index spaces. Cheap to
/// instantiate many times. Thread-safe (immutable).
/// </summary>
internal sealed class CompiledComponent(
    IReadOnlyList<IStep> steps, IndexCounts counts, IReadOnlyDictionary<string, StaticItem> exports, IReadOnlyDictionary<string, object> imports, bool usesWasi, object identity)
{
    public IReadOnlyList<IStep> Steps => steps;

    public IndexCounts Counts => counts;

    /// <summary>The component's exports with the types the host calls them with.</summary>
    public IReadOnlyDictionary<string, StaticItem> Exports => exports;

    /// <summary>The run-time values of the imports the host provides (host interfaces), by import name.</summary>
    public IReadOnlyDictionary<string, object> Imports => imports;

    /// <summary>Whether the component imports a WASI interface (any level of nesting).</summary>
    public bool UsesWasi => usesWasi;

    /// <summary>The identity its resource types are defined by (<see cref="Types.ResourceType.DefinedBy"/>).</summary>
    public object Identity => identity;
}

/// <summary>Sizes of a component instance's run-time index spaces.</summary>
internal sealed record IndexCounts(int CoreInstances, int CoreFuncs, int CoreMemories, int CoreTables, int CoreGlobals, int Funcs, int Instances);

/// <summary>The canonical options of a lift or lower, with core indices resolved in the instance's index spaces.</summary>
internal sealed record CanonOptions(StringEncoding Encoding, int? Memory, int? Realloc, int? PostReturn);

/// <summary>One step of instantiation: defines the items of one definition in a <see cref="ComponentInstance"/>.</summary>
internal interface IStep
{
    void Run(ComponentInstance instance);
}
