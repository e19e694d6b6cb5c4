using Vtx.Host.Components.Abi;
using Vtx.Host.Components.Types;
using Wasmtime;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// <c>canon lower</c> (CanonicalABI.md, synchronous), planned once per compiled component: a core function that lifts
/// its core arguments from the calling component instance (flat, or from memory past 16 flat values), calls the
/// component function, and lowers the result into flat results or through the trailing result pointer. Calling out
/// while the component's <c>realloc</c> or a post-return runs traps.
/// </summary>
/// <param name="Type">The function type the component lowers the function with.</param>
/// <param name="Options">The canonical options (memory, realloc, encoding) in the calling instance.</param>
/// <param name="Name">The function's name, for messages.</param>
/// <param name="Func">The component function's index in the calling instance, when <paramref name="Target"/> is null.</param>
/// <param name="Owner">The identity of the compiled component whose instances call it.</param>
/// <param name="Target">The function itself, when it is known before instantiation (a host function).</param>
internal sealed record LowerPlan(FuncType Type, CanonOptions Options, string Name, int Func, object Owner, ComponentFunction? Target = null)
{
    private readonly string[] _parameterNames = Type.Params.Select(p => $"{Name} {p.Name}").ToArray();
    private readonly string _argumentsName = Name + " arguments";
    private readonly string _resultName = Name + " result";

    /// <summary>
    /// Defines this lowering in a linker (a typed callback when the signature allows). The function is store-independent:
    /// it finds the calling instance through the store's data and <see cref="Owner"/>.
    /// </summary>
    public void Define(Linker linker, string module, string name)
    {
        var signature = Type.LowerSignature;
        if (TypedCallbacks.TryDefine(linker, module, name, signature, (caller, bits) => Invoke(ComponentInstance.Of(caller, Owner), bits)))
        {
            return;
        }

        linker.DefineFunction(module, name, (Caller caller, ReadOnlySpan<ValueBox> arguments, Span<ValueBox> results) => Untyped(ComponentInstance.Of(caller, Owner), arguments, results),
            signature.Params, signature.Results);
    }

    private void Untyped(ComponentInstance instance, ReadOnlySpan<ValueBox> arguments, Span<ValueBox> results)
    {
        var signature = Type.LowerSignature;
        Span<ulong> bits = stackalloc ulong[arguments.Length];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = CoreValues.Bits(arguments[i], signature.Params[i]);
        }

        var result = Invoke(instance, bits);
        if (signature.Results.Length == 1)
        {
            results[0] = CoreValues.Box(result, signature.Results[0]);
        }
    }

    /// <summary>Runs the lowering on flat arguments (bit patterns); gives the flat result's bits (0 without one).</summary>
    public ulong Invoke(ComponentInstance instance, ReadOnlySpan<ulong> bits)
    {
        var host = instance.Host;
        if (!instance.MayLeave)
        {
            throw new VtxPluginException(VtxErrorCode.AbiViolation,
                $"Plugin '{host.PluginId}' called {Name} while its realloc or a post-return function was running, where calls out are not allowed.", host.PluginId);
        }

        var cx = instance.Context(Options);
        var type = Type;
        object?[] values;
        if (type.ParamsInMemory)
        {
            values = (object?[])Lifting.Load(cx, (int)(uint)bits[0], type.ParamTuple!, _argumentsName)!;
        }
        else
        {
            values = new object?[type.Params.Count];
            var reader = new FlatReader(bits);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Lifting.Flat(cx, ref reader, type.Params[i].Type, _parameterNames[i]);
            }
        }

        var result = (Target ?? instance.Funcs[Func]).Invoke(host, values);
        if (type.Result is not { } resultType)
        {
            return 0;
        }

        if (type.ResultInMemory)
        {
            Lowering.Store(cx, result, resultType, (int)(uint)bits[^1], _resultName);
            return 0;
        }

        Span<ulong> flat = stackalloc ulong[1];
        var writer = new FlatWriter(flat);
        Lowering.Flat(cx, result, resultType, ref writer, _resultName);
        return flat[0];
    }
}
