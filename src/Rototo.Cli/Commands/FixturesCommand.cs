using System.CommandLine;
using System.Text.Json.Nodes;
using Rototo.Fixtures;

namespace Rototo.Cli.Commands;

/// <summary>
/// <c>rototo fixtures [SOURCE] --out DIR [--variable ID...] [--variables] [--qualifier ID...] [--qualifiers]</c> (§15):
/// writes <c>rototo-fixtures.toml</c> and one case file per target (<c>variables/&lt;id&gt;.toml</c>,
/// <c>qualifiers/&lt;id&gt;.toml</c>); with no selector, every variable and qualifier. Prints the written paths
/// (relative to the output folder), or <c>{command, workspace, out, files}</c> with <c>--json</c>.
/// </summary>
internal static class FixturesCommand
{
    public static Command Create(CliContext cli)
    {
        var source = CliContext.SourceArgument();
        var output = new Option<string>("--out") { Description = "Folder to write the fixture suite into", Required = true };
        var variable = new Option<string[]>("--variable") { Description = "Variable id to generate cases for (repeatable)" };
        var variables = new Option<bool>("--variables") { Description = "Every variable" };
        var qualifier = new Option<string[]>("--qualifier") { Description = "Qualifier id to generate cases for (repeatable)" };
        var qualifiers = new Option<bool>("--qualifiers") { Description = "Every qualifier" };
        var command = new Command("fixtures", "Generate fixture cases that pin how variables and qualifiers resolve") { source, output, variable, variables, qualifier, qualifiers };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (staged, shown) = await cli.StageAsync(parse, parse.GetValue(source), cancellationToken);
            var workspace = Workspace.OpenForResolution(staged);
            var variableIds = parse.GetValue(variable) ?? [];
            var qualifierIds = parse.GetValue(qualifier) ?? [];
            var everything = variableIds.Length == 0 && qualifierIds.Length == 0 && !parse.GetValue(variables) && !parse.GetValue(qualifiers);
            var qualifierOrder = workspace.Inspection.Qualifiers.Select(q => q.Id).ToList();
            var selectedVariables = ResolveCommand.Select(everything || parse.GetValue(variables) ? workspace.VariableIds : variableIds, workspace.VariableIds, "variable");
            var selectedQualifiers = ResolveCommand.Select(everything || parse.GetValue(qualifiers) ? qualifierOrder : qualifierIds, qualifierOrder, "qualifier");

            var generator = new FixtureGenerator(workspace);
            var files = selectedVariables.Select(generator.Variable).Concat(selectedQualifiers.Select(generator.Qualifier)).ToList();
            var outDirectory = parse.GetValue(output)!;
            Write(outDirectory, FixtureGenerator.SuiteFile, FixtureGenerator.Suite(shown, files));
            foreach (var file in files)
            {
                Write(outDirectory, file.Path, file.Text);
            }

            var written = new[] { FixtureGenerator.SuiteFile }.Concat(files.Select(f => f.Path)).ToList();
            if (parse.GetValue(cli.Json))
            {
                cli.Terminal.WriteJson(new JsonObject
                {
                    ["command"] = "fixtures",
                    ["workspace"] = shown,
                    ["out"] = outDirectory,
                    ["files"] = new JsonArray([.. written.Select(p => (JsonNode)JsonValue.Create(p))]),
                });
            }
            else if (!parse.GetValue(cli.Quiet))
            {
                foreach (var path in written)
                {
                    cli.Terminal.Out.WriteLine(path);
                }
            }
            return 0;
        });
        return command;
    }

    private static void Write(string directory, string relative, string text)
    {
        var path = Path.Combine(directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
