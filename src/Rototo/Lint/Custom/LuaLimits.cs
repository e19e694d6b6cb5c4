namespace Rototo.Lint.Custom;

/// <summary>
/// Every limit of a custom lint pass (§10.1), in one place: the VM (<see cref="LuaVm"/>), the sandbox
/// (<c>sandbox.lua</c>, which receives them when it starts), the call guards (<see cref="LuaCallGuard"/>) and the
/// outer timeout (<see cref="CustomLint"/>) all read them here.
/// </summary>
internal static class LuaLimits
{
    /// <summary>
    /// Most handler calls one lint makes, over all registrations (each registration calls its handler once per target,
    /// in a fresh VM): 300 registrations on a variable's 1,000 values took 54 s. A registration whose targets no longer
    /// fit is not run and is reported as <c>custom-lint-failed</c>. Not in rototo, whose §10.1 limits are per pass.
    /// </summary>
    public const int HandlerCalls = 50_000;

    /// <summary>
    /// Most handler passes of one registration queued or running at once: twice the Lua worker threads, so that they stay
    /// busy while lint reports the passes in target order. Each finished pass holds what its handler returned (up to
    /// its VM's memory) until it is reported; all 50,000 queued at once could hold them all.
    /// </summary>
    public static int PassesInFlight => 2 * LuaWorkers.Count;

    /// <summary>Memory of one VM in bytes (§10.1: 16 MiB).</summary>
    public const long MemoryBytes = 16 * 1024 * 1024;

    /// <summary>Instructions one pass may run (§10.1: 1,000,000).</summary>
    public const long Instructions = 1_000_000;

    /// <summary>
    /// How many instructions run between two checks of the limits. rototo checks every 1,000; checking every 100
    /// counts the same total but notices an expired time limit or a cancelled pass ten times sooner.
    /// </summary>
    public const int CheckEvery = 100;

    /// <summary>Time one pass may run inside the VM (§10.1: 2 s).</summary>
    public static readonly TimeSpan Time = TimeSpan.FromSeconds(2);

    /// <summary>Outer timeout of one pass, queueing excluded (§10.1: 2 s).</summary>
    public static readonly TimeSpan OuterTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Most work one call into the string or table library may do, in steps of the pattern matcher (about a
    /// nanosecond each): such a call runs in C, where neither the instruction hook nor a cancellation reaches it, so a
    /// call whose worst case is larger is refused before it starts. 2.5 × 10⁸ steps take a few tenths of a second.
    /// </summary>
    public const double CallSteps = 2.5e8;

    /// <summary>Pattern-matcher steps one element moved by <c>table.move</c>, <c>table.insert</c> or <c>table.remove</c> costs.</summary>
    public const double StepsPerElement = 32;
}
