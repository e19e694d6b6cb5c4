using Wasmtime;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// Calls a core function with flat arguments (bit patterns) and gives its result's bits. The common shape of lifted
/// functions — i32 parameters, one i32 result or none — goes through Wasmtime's typed delegates (several times cheaper
/// than the untyped <see cref="Function.Invoke(ReadOnlySpan{ValueBox})"/>); any other signature goes through the untyped path.
/// </summary>
internal sealed class CoreInvoker
{
    private readonly Function _function;
    private readonly ValueKind[] _params;
    private readonly ValueKind[] _results;
    private readonly Delegate? _typed;

    public CoreInvoker(Function function, ValueKind[] parameters, ValueKind[] results)
    {
        _function = function;
        _params = parameters;
        _results = results;
        if (parameters.All(p => p == ValueKind.Int32) && results is [] or [ValueKind.Int32])
        {
            _typed = results.Length == 1 ? WrapFunc(parameters.Length) : WrapAction(parameters.Length);
        }
    }

    public ulong Invoke(ReadOnlySpan<ulong> args)
    {
        switch (_typed)
        {
            case Func<int> f: return (uint)f();
            case Func<int, int> f: return (uint)f(I(args, 0));
            case Func<int, int, int> f: return (uint)f(I(args, 0), I(args, 1));
            case Func<int, int, int, int> f: return (uint)f(I(args, 0), I(args, 1), I(args, 2));
            case Func<int, int, int, int, int> f: return (uint)f(I(args, 0), I(args, 1), I(args, 2), I(args, 3));
            case Func<int, int, int, int, int, int> f: return (uint)f(I(args, 0), I(args, 1), I(args, 2), I(args, 3), I(args, 4));
            case Func<int, int, int, int, int, int, int> f: return (uint)f(I(args, 0), I(args, 1), I(args, 2), I(args, 3), I(args, 4), I(args, 5));
            case Action a: a(); return 0;
            case Action<int> a: a(I(args, 0)); return 0;
            case Action<int, int> a: a(I(args, 0), I(args, 1)); return 0;
            case Action<int, int, int> a: a(I(args, 0), I(args, 1), I(args, 2)); return 0;
        }

        var boxes = new ValueBox[args.Length];
        for (var i = 0; i < boxes.Length; i++)
        {
            boxes[i] = CoreValues.Box(args[i], _params[i]);
        }

        var result = _function.Invoke(boxes);
        return _results.Length == 1 ? CoreValues.Bits(result, _results[0]) : 0;
    }

    private static int I(ReadOnlySpan<ulong> args, int index) => (int)(uint)args[index];

    private Delegate? WrapFunc(int count) => count switch
    {
        0 => _function.WrapFunc<int>(),
        1 => _function.WrapFunc<int, int>(),
        2 => _function.WrapFunc<int, int, int>(),
        3 => _function.WrapFunc<int, int, int, int>(),
        4 => _function.WrapFunc<int, int, int, int, int>(),
        5 => _function.WrapFunc<int, int, int, int, int, int>(),
        6 => _function.WrapFunc<int, int, int, int, int, int, int>(),
        _ => null,
    };

    private Delegate? WrapAction(int count) => count switch
    {
        0 => _function.WrapAction(),
        1 => _function.WrapAction<int>(),
        2 => _function.WrapAction<int, int>(),
        3 => _function.WrapAction<int, int, int>(),
        _ => null,
    };
}
