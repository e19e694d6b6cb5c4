using Microsoft.Extensions.Primitives;
using Rototo.Refresh;

namespace Rototo.Extensions.Hosting;

/// <summary><see cref="IChangeToken"/> support, so <c>ChangeToken.OnChange</c> and options-style consumers can react to refreshes.</summary>
public static class RefreshingWorkspaceChangeTokens
{
    /// <summary>
    /// A token that fires once, at the next refresh that makes a new workspace current (<see cref="RefreshingWorkspace.Changed"/>).
    /// Take a new token after it fired, as <c>ChangeToken.OnChange(() =&gt; workspace.GetChangeToken(), ...)</c> does.
    /// </summary>
    /// <param name="workspace">The refreshing workspace.</param>
    /// <returns>The change token (callbacks run on the refreshing thread).</returns>
    public static IChangeToken GetChangeToken(this RefreshingWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var source = new CancellationTokenSource();
        EventHandler<WorkspaceChangedEventArgs>? handler = null;
        handler = (_, _) =>
        {
            workspace.Changed -= handler;
            source.Cancel();
            source.Dispose();
        };
        workspace.Changed += handler;
        return new CancellationChangeToken(source.Token);
    }
}
