using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using Wasmtime;

namespace Vtx.Host.Components.Linking;

/// <summary>
/// Host functions with Wasmtime's typed callbacks for any core signature of up to 8 parameters and one result: several
/// times cheaper per call than untyped (<see cref="ValueBox"/>) callbacks. A signature's generic adapter is picked by
/// reflection once, when the function is defined in a linker; each call converts its arguments to bit patterns without boxing.
/// </summary>
internal static class TypedCallbacks
{
    private const int MaxParams = 8;
    private const string Instantiates = "Instantiates generic adapters over the signature's value types at run time.";

    /// <summary>Runs a host function on flat arguments (bit patterns); gives the result's bits (0 without result).</summary>
    public delegate ulong Handler(Caller caller, ReadOnlySpan<ulong> arguments);

    private static readonly MethodInfo[] Funcs = Adapters("Func");
    private static readonly MethodInfo[] Actions = Adapters("Action");

    /// <summary>
    /// Defines <paramref name="handler"/> in a linker as a typed callback for <paramref name="signature"/>; false (nothing
    /// defined) when the signature has too many parameters or results, or under native AOT, where a generic adapter over
    /// value types cannot be instantiated at run time: the caller then defines an untyped callback.
    /// </summary>
    public static bool TryDefine(Linker linker, string module, string name, Types.CoreSignature signature, Handler handler)
    {
        if (RuntimeFeature.IsDynamicCodeSupported && signature.Params.Length <= MaxParams && signature.Results.Length <= 1)
        {
            Define(linker, module, name, Create(signature, handler));
            return true;
        }

        return false;
    }

    /// <summary>The typed callback for <paramref name="signature"/> (at most <see cref="MaxParams"/> parameters, one result).</summary>
    [RequiresDynamicCode(Instantiates)]
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "The adapters' type parameters carry no DynamicallyAccessedMembers requirements.")]
    private static Delegate Create(Types.CoreSignature signature, Handler handler)
    {
        var types = signature.Params.Concat(signature.Results).Select(ClrType).ToArray();
        var adapter = signature.Results.Length == 1 ? Funcs[signature.Params.Length] : Actions[signature.Params.Length];
        return (Delegate)(types.Length == 0 ? adapter : adapter.MakeGenericMethod(types)).Invoke(null, [handler])!;
    }

    /// <summary>Defines <paramref name="callback"/> (from <see cref="Create"/>) in a linker, through the <c>DefineFunction</c> overload of its delegate type.</summary>
    [RequiresDynamicCode(Instantiates)]
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "Linker.DefineFunction's type parameters carry no DynamicallyAccessedMembers requirements.")]
    private static void Define(Linker linker, string module, string name, Delegate callback)
    {
        var callbackType = callback.GetType();
        var arguments = callbackType.IsGenericType ? callbackType.GetGenericArguments() : [];
        typeof(Linker).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.Name == nameof(Linker.DefineFunction) && m.GetGenericArguments().Length == arguments.Length)
            .Select(m => arguments.Length == 0 ? m : m.MakeGenericMethod(arguments))
            .First(m => m.GetParameters()[^1].ParameterType == callbackType)
            .Invoke(linker, [module, name, callback]);
    }

    private static Type ClrType(ValueKind kind) => kind switch
    {
        ValueKind.Int32 => typeof(int),
        ValueKind.Int64 => typeof(long),
        ValueKind.Float32 => typeof(float),
        _ => typeof(double),
    };

    private static MethodInfo[] Adapters(string prefix) =>
        Enumerable.Range(0, MaxParams + 1).Select(n => typeof(TypedCallbacks).GetMethod(prefix + n, BindingFlags.NonPublic | BindingFlags.Static)!).ToArray();

    private static ulong B<T>(T value) =>
        typeof(T) == typeof(int) ? (uint)Unsafe.As<T, int>(ref value)
        : typeof(T) == typeof(long) ? (ulong)Unsafe.As<T, long>(ref value)
        : typeof(T) == typeof(float) ? (uint)BitConverter.SingleToInt32Bits(Unsafe.As<T, float>(ref value))
        : (ulong)BitConverter.DoubleToInt64Bits(Unsafe.As<T, double>(ref value));

    private static T R<T>(ulong bits)
    {
        if (typeof(T) == typeof(int))
        {
            var v = (int)(uint)bits;
            return Unsafe.As<int, T>(ref v);
        }

        if (typeof(T) == typeof(long))
        {
            var v = (long)bits;
            return Unsafe.As<long, T>(ref v);
        }

        if (typeof(T) == typeof(float))
        {
            var v = BitConverter.Int32BitsToSingle((int)(uint)bits);
            return Unsafe.As<float, T>(ref v);
        }

        var d = BitConverter.Int64BitsToDouble((long)bits);
        return Unsafe.As<double, T>(ref d);
    }

#pragma warning disable IDE0051 // Used by reflection (Adapters).
    private static CallerFunc<TR> Func0<TR>(Handler h) => c => R<TR>(h(c, []));

    private static CallerFunc<T1, TR> Func1<T1, TR>(Handler h) => (c, a) => R<TR>(h(c, [B(a)]));

    private static CallerFunc<T1, T2, TR> Func2<T1, T2, TR>(Handler h) => (c, a, b) => R<TR>(h(c, [B(a), B(b)]));

    private static CallerFunc<T1, T2, T3, TR> Func3<T1, T2, T3, TR>(Handler h) => (c, a, b, d) => R<TR>(h(c, [B(a), B(b), B(d)]));

    private static CallerFunc<T1, T2, T3, T4, TR> Func4<T1, T2, T3, T4, TR>(Handler h) => (c, a, b, d, e) => R<TR>(h(c, [B(a), B(b), B(d), B(e)]));

    private static CallerFunc<T1, T2, T3, T4, T5, TR> Func5<T1, T2, T3, T4, T5, TR>(Handler h) =>
        (c, a, b, d, e, f) => R<TR>(h(c, [B(a), B(b), B(d), B(e), B(f)]));

    private static CallerFunc<T1, T2, T3, T4, T5, T6, TR> Func6<T1, T2, T3, T4, T5, T6, TR>(Handler h) =>
        (c, a, b, d, e, f, g) => R<TR>(h(c, [B(a), B(b), B(d), B(e), B(f), B(g)]));

    private static CallerFunc<T1, T2, T3, T4, T5, T6, T7, TR> Func7<T1, T2, T3, T4, T5, T6, T7, TR>(Handler h) =>
        (c, a, b, d, e, f, g, i) => R<TR>(h(c, [B(a), B(b), B(d), B(e), B(f), B(g), B(i)]));

    private static CallerFunc<T1, T2, T3, T4, T5, T6, T7, T8, TR> Func8<T1, T2, T3, T4, T5, T6, T7, T8, TR>(Handler h) =>
        (c, a, b, d, e, f, g, i, j) => R<TR>(h(c, [B(a), B(b), B(d), B(e), B(f), B(g), B(i), B(j)]));

    private static CallerAction Action0(Handler h) => c => h(c, []);

    private static CallerAction<T1> Action1<T1>(Handler h) => (c, a) => h(c, [B(a)]);

    private static CallerAction<T1, T2> Action2<T1, T2>(Handler h) => (c, a, b) => h(c, [B(a), B(b)]);

    private static CallerAction<T1, T2, T3> Action3<T1, T2, T3>(Handler h) => (c, a, b, d) => h(c, [B(a), B(b), B(d)]);

    private static CallerAction<T1, T2, T3, T4> Action4<T1, T2, T3, T4>(Handler h) => (c, a, b, d, e) => h(c, [B(a), B(b), B(d), B(e)]);

    private static CallerAction<T1, T2, T3, T4, T5> Action5<T1, T2, T3, T4, T5>(Handler h) => (c, a, b, d, e, f) => h(c, [B(a), B(b), B(d), B(e), B(f)]);

    private static CallerAction<T1, T2, T3, T4, T5, T6> Action6<T1, T2, T3, T4, T5, T6>(Handler h) =>
        (c, a, b, d, e, f, g) => h(c, [B(a), B(b), B(d), B(e), B(f), B(g)]);

    private static CallerAction<T1, T2, T3, T4, T5, T6, T7> Action7<T1, T2, T3, T4, T5, T6, T7>(Handler h) =>
        (c, a, b, d, e, f, g, i) => h(c, [B(a), B(b), B(d), B(e), B(f), B(g), B(i)]);

    private static CallerAction<T1, T2, T3, T4, T5, T6, T7, T8> Action8<T1, T2, T3, T4, T5, T6, T7, T8>(Handler h) =>
        (c, a, b, d, e, f, g, i, j) => h(c, [B(a), B(b), B(d), B(e), B(f), B(g), B(i), B(j)]);
#pragma warning restore IDE0051
}
