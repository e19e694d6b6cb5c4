using System.Runtime.InteropServices;

namespace Rototo.Cli.Commands;

/// <summary>
/// Ends a running command on Ctrl-C (SIGINT) or SIGTERM: the command's cancellation token is cancelled, the command
/// gets <see cref="Grace"/> to stop by itself (a source being fetched then removes its staging folder), and the
/// command line exits with the conventional code, <see cref="SigintExitCode"/> or <see cref="SigtermExitCode"/>,
/// whether or not the command stopped — lint and inspect of a large workspace are CPU-bound work that does not look at
/// the token, and the signals used to wait for them to finish. A later start removes staging folders left behind
/// (their names carry the process id).
/// </summary>
internal static class Interruption
{
    /// <summary>The exit code after SIGINT (Ctrl-C): 128 + 2.</summary>
    public const int SigintExitCode = 130;

    /// <summary>The exit code after SIGTERM: 128 + 15.</summary>
    public const int SigtermExitCode = 143;

    /// <summary>How long a signalled command may take to stop before the command line exits anyway: 1 s.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    /// <summary>Runs <paramref name="command"/> on the thread pool until it ends or a signal arrives.</summary>
    /// <param name="command">The command, given a token cancelled by the first SIGINT or SIGTERM.</param>
    /// <returns>The command's exit code; after a signal, <see cref="SigintExitCode"/> or <see cref="SigtermExitCode"/>.</returns>
    /// <exception cref="Exception">What the command throws when no signal came.</exception>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> command)
    {
        using var cancellation = new CancellationTokenSource();
        var signalled = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            // The process ends by returning the conventional code, not by the runtime's default handling.
            context.Cancel = true;
            if (signalled.TrySetResult(context.Signal == PosixSignal.SIGINT ? SigintExitCode : SigtermExitCode))
            {
                cancellation.Cancel();
            }
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        var running = Task.Run(() => command(cancellation.Token));
        if (await Task.WhenAny(running, signalled.Task).ConfigureAwait(false) == running && !signalled.Task.IsCompleted)
        {
            return await running.ConfigureAwait(false);
        }
        await Task.WhenAny(running, Task.Delay(Grace)).ConfigureAwait(false);
        return await signalled.Task.ConfigureAwait(false);
    }
}
