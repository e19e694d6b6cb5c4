using Vtx.Host.Components.Abi;
using Vtx.Host.Components.Types;
using Wasmtime;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// <c>canon lift</c> (CanonicalABI.md, synchronous): a component function that lowers its arguments into the
/// component (flat, or into memory allocated with its <c>realloc</c> past 16 flat values), calls the core function,
/// lifts the result (flat, or from the returned pointer), then calls the post-return function with the core result.
/// The instance may not be re-entered while the call runs, and borrowed handles lent to it must be dropped by its end.
/// </summary>
internal sealed class LiftedFunction : ComponentFunction
{
    private readonly ComponentInstance _instance;
    private readonly Function _core;
    private readonly Function? _postReturn;
    private readonly FuncType _type;
    private readonly AbiContext _cx;
    private readonly string[] _parameterNames;
    private readonly string _argumentsName;
    private readonly string _resultName;

    public LiftedFunction(ComponentInstance instance, Function core, FuncType type, CanonOptions options, string name) : base(name)
    {
        _instance = instance;
        _core = core;
        _type = type;
        _cx = instance.Context(options);
        _postReturn = options.PostReturn is { } postReturn ? instance.CoreFuncs[postReturn] : null;
        _parameterNames = type.Params.Select(p => $"{name} argument {p.Name}").ToArray();
        _argumentsName = name + " arguments";
        _resultName = name + " result";
    }

    public override object? Invoke(HostContext host, object?[] args)
    {
        var instance = _instance;
        if (instance.Entered)
        {
            throw new VtxPluginException(VtxErrorCode.Trap, $"Plugin '{host.PluginId}': {Name} was called while the component instance was running (re-entry is not allowed).", host.PluginId);
        }

        instance.Entered = true;
        var borrows = instance.Handles.BorrowCount;
        try
        {
            var signature = _type.LiftSignature;
            Span<ulong> bits = stackalloc ulong[Math.Max(1, signature.Params.Length)];
            var writer = new FlatWriter(bits);
            if (_type.ParamsInMemory)
            {
                var tuple = _type.ParamTuple!;
                var address = _cx.Memory.Allocate(tuple.Alignment, tuple.Size, _argumentsName);
                Lowering.Store(_cx, args, tuple, address, _argumentsName);
                writer.Add((uint)address);
            }
            else
            {
                for (var i = 0; i < args.Length; i++)
                {
                    Lowering.Flat(_cx, args[i], _type.Params[i].Type, ref writer, _parameterNames[i]);
                }
            }

            var boxes = new ValueBox[signature.Params.Length];
            for (var i = 0; i < boxes.Length; i++)
            {
                boxes[i] = CoreValues.Box(bits[i], signature.Params[i]);
            }

            var raw = _core.Invoke(boxes);
            var resultBits = signature.Results.Length == 1 ? CoreValues.Bits(raw, signature.Results[0]) : 0;
            object? result = null;
            if (_type.Result is { } resultType)
            {
                if (_type.ResultInMemory)
                {
                    result = Lifting.Load(_cx, (int)(uint)resultBits, resultType, _resultName);
                }
                else
                {
                    var reader = new FlatReader([resultBits]);
                    result = Lifting.Flat(_cx, ref reader, resultType, _resultName);
                }
            }

            if (_postReturn is not null)
            {
                instance.MayLeave = false;
                try
                {
                    _postReturn.Invoke(signature.Results.Length == 1 ? [CoreValues.Box(resultBits, signature.Results[0])] : []);
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
