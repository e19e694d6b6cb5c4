using Vtx.Host.Components.Abi;
using Vtx.Host.Components.Types;
using Wasmtime;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// <c>canon lower</c> (CanonicalABI.md, synchronous): a core function that lifts its core arguments from the calling
/// component (flat, or from memory past 16 flat values), calls the component function, and lowers the result into flat
/// results or through the trailing result pointer. Calling out while the component's <c>realloc</c> or a post-return
/// runs traps.
/// </summary>
internal static class CanonLower
{
    public static Function Create(ComponentInstance instance, ComponentFunction target, FuncType type, CanonOptions options, string name)
    {
        var cx = instance.Context(options);
        var signature = type.LowerSignature;
        var parameterNames = type.Params.Select(p => $"{name} {p.Name}").ToArray();
        var argumentsName = name + " arguments";
        var resultName = name + " result";
        var host = instance.Host;
        return Function.FromCallback(instance.Store, (Caller _, ReadOnlySpan<ValueBox> arguments, Span<ValueBox> results) =>
        {
            if (!instance.MayLeave)
            {
                throw new VtxPluginException(VtxErrorCode.AbiViolation,
                    $"Plugin '{host.PluginId}' called {name} while its realloc or a post-return function was running, where calls out are not allowed.", host.PluginId);
            }

            Span<ulong> bits = stackalloc ulong[arguments.Length];
            for (var i = 0; i < bits.Length; i++)
            {
                bits[i] = CoreValues.Bits(arguments[i], signature.Params[i]);
            }

            object?[] values;
            if (type.ParamsInMemory)
            {
                values = (object?[])Lifting.Load(cx, (int)(uint)bits[0], type.ParamTuple!, argumentsName)!;
            }
            else
            {
                values = new object?[type.Params.Count];
                var reader = new FlatReader(bits);
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = Lifting.Flat(cx, ref reader, type.Params[i].Type, parameterNames[i]);
                }
            }

            var result = target.Invoke(host, values);
            if (type.Result is not { } resultType)
            {
                return;
            }

            if (type.ResultInMemory)
            {
                Lowering.Store(cx, result, resultType, (int)(uint)bits[^1], resultName);
                return;
            }

            Span<ulong> flat = stackalloc ulong[1];
            var writer = new FlatWriter(flat);
            Lowering.Flat(cx, result, resultType, ref writer, resultName);
            results[0] = CoreValues.Box(flat[0], signature.Results[0]);
        }, signature.Params, signature.Results);
    }
}
