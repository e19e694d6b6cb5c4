using System.Globalization;
using KeraLua;

namespace Rototo.Lint.Custom;

/// <summary>
/// The host side of the sandbox's guards (sandbox.lua). Lua cannot be interrupted inside a C function, so every call
/// into the string or table library that can loop for long (the pattern matcher's backtracking, <c>table.move</c>
/// over a huge range, <c>table.insert</c>/<c>remove</c> shifting a huge border) first asks <see cref="Guard"/>, which
/// bounds the call's worst case by <see cref="LuaLimits.CallSteps"/> and also says no once the pass's time is up or
/// it was cancelled. Both functions only read their arguments and push a boolean, so they can never raise a Lua error
/// (which would unwind through this managed frame).
/// </summary>
internal static class LuaCallGuard
{
    /// <summary>What <see cref="Guard"/> is asked about (its first argument).</summary>
    public enum Operation
    {
        /// <summary><c>guard(0, n)</c>: <c>table.insert</c>/<c>remove</c> shifting up to n elements (the sandbox computes n).</summary>
        Shift = 0,

        /// <summary><c>string.find(s, pattern, init, plain)</c>.</summary>
        Find = 1,

        /// <summary><c>string.match(s, pattern, init)</c>.</summary>
        Match = 2,

        /// <summary><c>string.gmatch(s, pattern, init)</c>: the whole iteration.</summary>
        GMatch = 3,

        /// <summary><c>string.gsub(s, pattern, repl, n)</c>.</summary>
        GSub = 4,

        /// <summary><c>table.move(a1, f, e, t, a2)</c>.</summary>
        Move = 5,
    }

    /// <summary>Length of a number's text as Lua writes it (at most <c>%.14g</c>: 21 characters), rounded up.</summary>
    private const int NumberTextLength = 32;

    /// <summary><c>expired()</c>: true once the pass's time is up or the pass was cancelled (upvalue 1: the VM's limit block).</summary>
    public static int Expired(IntPtr state)
    {
        var lua = Lua.FromIntPtr(state);
        lua.PushBoolean(LuaVm.IsExpired(lua.ToUserData(Lua.UpValueIndex(1))));
        return 1;
    }

    /// <summary><c>guard(op, ...)</c>: true when the call may run (upvalue 1: the VM's limit block).</summary>
    public static int Guard(IntPtr state)
    {
        var lua = Lua.FromIntPtr(state);
        var allowed = !LuaVm.IsExpired(lua.ToUserData(Lua.UpValueIndex(1))) && Steps(lua) <= LuaLimits.CallSteps;
        lua.PushBoolean(allowed);
        return 1;
    }

    /// <summary>The worst-case steps of the call described by the arguments; 0 when the library will refuse the arguments itself.</summary>
    private static double Steps(Lua lua) => (Operation)(lua.ToIntegerX(1) ?? -1) switch
    {
        Operation.Shift => lua.ToNumberX(2) is { } elements && elements > 0 ? elements * LuaLimits.StepsPerElement : 0,
        Operation.Find => Matching(lua, anchorable: true, plain: lua.ToBoolean(5)),
        Operation.Match or Operation.GSub => Matching(lua, anchorable: true, plain: false),
        Operation.GMatch => Matching(lua, anchorable: false, plain: false),
        Operation.Move => lua.ToIntegerX(3) is { } first && lua.ToIntegerX(4) is { } last && last >= first
            ? ((double)last - first + 1) * LuaLimits.StepsPerElement
            : 0,
        _ => 0,
    };

    /// <summary>Arguments 2 and 3 are the subject and the pattern; strings and numbers (which Lua converts) are costed.</summary>
    private static double Matching(Lua lua, bool anchorable, bool plain)
    {
        double subject = lua.Type(2) switch
        {
            LuaType.String => lua.RawLen(2),
            LuaType.Number => NumberTextLength,
            _ => -1,
        };
        byte[]? pattern = lua.Type(3) switch
        {
            // A string is read in place; converting a number here would allocate inside the VM, so its text is rebuilt.
            LuaType.String => lua.ToBuffer(3, false),
            LuaType.Number => NumberText(lua),
            _ => null,
        };
        if (subject < 0 || pattern is null)
        {
            return 0;
        }
        return plain ? (subject + 1) * (pattern.Length + 1) : PatternCost.Steps(pattern, subject, anchorable);
    }

    /// <summary>A number pattern's text, close enough to Lua's for costing (same digits, signs and exponent), padded to the longest.</summary>
    private static byte[] NumberText(Lua lua)
    {
        var text = lua.IsInteger(3)
            ? lua.ToInteger(3).ToString(CultureInfo.InvariantCulture)
            : lua.ToNumber(3).ToString("G14", CultureInfo.InvariantCulture);
        return System.Text.Encoding.ASCII.GetBytes(text.PadRight(NumberTextLength, '0'));
    }
}
