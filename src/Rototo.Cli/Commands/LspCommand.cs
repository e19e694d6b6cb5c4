using System.CommandLine;
using Rototo.LanguageServer;

namespace Rototo.Cli.Commands;

/// <summary><c>rototo lsp</c> (§16): the language server over stdin/stdout until the client sends <c>exit</c>.</summary>
internal static class LspCommand
{
    public static Command Create()
    {
        var command = new Command("lsp", "Run the rototo language server over stdio");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var input = Console.OpenStandardInput();
            using var output = Console.OpenStandardOutput();
            return await RototoLanguageServer.RunAsync(input, output, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
