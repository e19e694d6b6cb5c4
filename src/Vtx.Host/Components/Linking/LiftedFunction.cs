using Vtx.Host.Components.Abi;
using Vtx.Host.Components.Types;

namespace Vtx.Host.Components.Linking;

/// <summary>A <c>canon lift</c> planned once per compiled component: the function type, options and core function index.</summary>
internal sealed record LiftPlan(FuncType Type, CanonOptions Options, string Name, int CoreFunc)
{
    public string[] ParameterNames { get; } = Type.Params.Select(p => $"{Name} argument {p.Name}").ToArray();

    public string ArgumentsName { get; } = Name + " arguments";

    public string ResultName { get; } = Name + " result";
}

/// <summary>
/// <c>canon lift</c> (CanonicalABI.md, synchronous) in one instance: a component function that lowers its arguments
/// into the component (flat, or into memory allocated with its <c>realloc</c> past 16 flat values), calls the core
/// function, lifts the result (flat, or from the returned pointer), then calls the post-return function with the core
/// result. The instance may not be re-entered while the call runs, and borrowed handles lent to it must be dropped by
/// its end. The core functions are looked up on the first call.
/// </summary>
internal sealed class LiftedFunction(ComponentInstance instance, LiftPlan plan) : ComponentFunction(plan.Name)
{
    private CoreInvoker? _core;
    private CoreInvoker? _postReturn;

    public override object? Invoke(HostContext host, object?[] args)
    {
        if (instance.Entered)
        {
            throw new VtxPluginException(VtxErrorCode.Trap, $"Plugin '{host.PluginId}': {Name} was called while the component instance was running (re-entry is not allowed).", host.PluginId);
        }

        instance.Entered = true;
        var borrows = instance.Handles.BorrowCount;
        try
        {
            var type = plan.Type;
            var signature = type.LiftSignature;
            var cx = instance.Context(plan.Options);
            Span<ulong> bits = stackalloc ulong[Math.Max(1, signature.Params.Length)];
            var writer = new FlatWriter(bits);
            if (type.ParamsInMemory)
            {
                var tuple = type.ParamTuple!;
                var address = cx.Memory.Allocate(tuple.Alignment, tuple.Size, plan.ArgumentsName);
                Lowering.Store(cx, args, tuple, address, plan.ArgumentsName);
                writer.Add((uint)address);
            }
            else
            {
                for (var i = 0; i < args.Length; i++)
                {
                    Lowering.Flat(cx, args[i], type.Params[i].Type, ref writer, plan.ParameterNames[i]);
                }
            }

            _core ??= new CoreInvoker(instance.CoreFunc(plan.CoreFunc), signature.Params, signature.Results);
            var resultBits = _core.Invoke(bits[..signature.Params.Length]);
            object? result = null;
            if (type.Result is { } resultType)
            {
                if (type.ResultInMemory)
                {
                    result = Lifting.Load(cx, (int)(uint)resultBits, resultType, plan.ResultName);
                }
                else
                {
                    var reader = new FlatReader([resultBits]);
                    result = Lifting.Flat(cx, ref reader, resultType, plan.ResultName);
                }
            }

            if (plan.Options.PostReturn is { } postReturn)
            {
                _postReturn ??= new CoreInvoker(instance.CoreFunc(postReturn), signature.Results, []);
                instance.MayLeave = false;
                try
                {
                    _postReturn.Invoke(signature.Results.Length == 1 ? [resultBits] : []);
                }
                finally
                {
                    instance.MayLeave = true;
                }
            }

            if (instance.Handles.BorrowCount != borrows)
            {
                throw new VtxPluginException(VtxErrorCode.InvalidHandle, $"Plugin '{host.PluginId}' returned from {Name} without dropping the borrowed handles lent to it.", host.PluginId);
            }

            return result;
        }
        finally
        {
            instance.Entered = false;
        }
    }
}
