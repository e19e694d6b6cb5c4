using Wasmtime;

namespace Vtx.Host.Components.Types;

/// <summary>
/// A component function type and its flattened core signatures (CanonicalABI.md, <c>flatten_functype</c>, synchronous
/// ABI): at most 16 flat parameters (else one pointer to the parameter tuple) and 1 flat result (else, when lifting, a
/// returned pointer to the result; when lowering, a trailing result pointer parameter).
/// </summary>
internal sealed class FuncType
{
    public const int MaxFlatParams = 16;
    public const int MaxFlatResults = 1;

    public FuncType(IReadOnlyList<Field> parameters, WitType? result)
    {
        Params = parameters;
        Result = result;
        var flatParams = parameters.SelectMany(p => p.Type.Flat).ToArray();
        var flatResults = result?.Flat ?? [];
        ParamsInMemory = flatParams.Length > MaxFlatParams;
        ResultInMemory = flatResults.Length > MaxFlatResults;
        ParamTuple = parameters.Count == 0 ? null : RecordType.Tuple(parameters.Select(p => p.Type).ToArray());
        var coreParams = ParamsInMemory ? [ValueKind.Int32] : flatParams;
        LiftSignature = new CoreSignature(coreParams, ResultInMemory ? [ValueKind.Int32] : flatResults);
        LowerSignature = ResultInMemory ? new CoreSignature([.. coreParams, ValueKind.Int32], []) : new CoreSignature(coreParams, flatResults);
    }

    public IReadOnlyList<Field> Params { get; }

    public WitType? Result { get; }

    /// <summary>The parameters are passed as a pointer to <see cref="ParamTuple"/> in memory.</summary>
    public bool ParamsInMemory { get; }

    /// <summary>The result is passed through memory (a returned pointer when lifting, a result pointer when lowering).</summary>
    public bool ResultInMemory { get; }

    /// <summary>The parameters as a tuple (its layout when they go through memory); null without parameters.</summary>
    public RecordType? ParamTuple { get; }

    /// <summary>The core signature of the function a <c>canon lift</c> wraps.</summary>
    public CoreSignature LiftSignature { get; }

    /// <summary>The core signature of the function a <c>canon lower</c> produces.</summary>
    public CoreSignature LowerSignature { get; }

    public override string ToString() =>
        $"func({string.Join(", ", Params.Select(p => $"{p.Name}: {p.Type}"))}){(Result is null ? "" : " -> " + Result)}";
}

/// <summary>A core function signature.</summary>
internal sealed record CoreSignature(ValueKind[] Params, ValueKind[] Results)
{
    public override string ToString() =>
        $"({string.Join(' ', Params.Select(Wat))}) -> ({string.Join(' ', Results.Select(Wat))})";

    public static string Wat(ValueKind kind) => kind switch
    {
        ValueKind.Int32 => "i32",
        ValueKind.Int64 => "i64",
        ValueKind.Float32 => "f32",
        ValueKind.Float64 => "f64",
        _ => kind.ToString(),
    };

    public bool Equals(CoreSignature? other) =>
        other is not null && Params.AsSpan().SequenceEqual(other.Params) && Results.AsSpan().SequenceEqual(other.Results);

    public override int GetHashCode() => HashCode.Combine(Params.Length, Results.Length, Params.FirstOrDefault(), Results.FirstOrDefault());
}
