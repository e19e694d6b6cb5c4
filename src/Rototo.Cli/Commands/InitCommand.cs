using System.CommandLine;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Rototo.Cli.Commands;

/// <summary><c>rototo init WORKSPACE [--qualifier ID | --variable ID | --resource ID | --context] [--force] [--dry-run]</c> (§15).</summary>
internal static partial class InitCommand
{
    public static Command Create(CliContext cli)
    {
        var workspace = new Argument<string>("workspace") { Description = "Workspace directory (created if missing)" };
        var qualifier = new Option<string?>("--qualifier") { Description = "Add a qualifier file" };
        var variable = new Option<string?>("--variable") { Description = "Add a variable file" };
        var resource = new Option<string?>("--resource") { Description = "Add a resource file, its schema and one object" };
        var context = new Option<bool>("--context") { Description = "Add schemas/context.schema.json" };
        var force = new Option<bool>("--force") { Description = "Overwrite existing files" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be written, write nothing" };
        var command = new Command("init", "Create a workspace or add a file to one") { workspace, qualifier, variable, resource, context, force, dryRun };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(workspace)!;
            var entities = new[] { parse.GetValue(qualifier) is not null, parse.GetValue(variable) is not null, parse.GetValue(resource) is not null, parse.GetValue(context) };
            if (entities.Count(e => e) > 1)
            {
                return cli.Terminal.Fail("init takes one of --qualifier, --variable, --resource or --context at a time");
            }
            if (root.Contains("://", StringComparison.Ordinal))
            {
                return cli.Terminal.Fail("init only supports local workspace paths");
            }
            var files = new List<(string Kind, string Path, string Text)> { ("manifest", "rototo-workspace.toml", "schema_version = 1\n") };
            if (parse.GetValue(qualifier) is { } q)
            {
                files.Add(("qualifier", $"qualifiers/{ValidId(q)}.toml", $"schema_version = 1\ndescription = \"Describe when {q} holds\"\n\n[[predicate]]\nattribute = \"user.tier\"\nop = \"eq\"\nvalue = \"premium\"\n"));
            }
            else if (parse.GetValue(variable) is { } v)
            {
                files.Add(("variable", $"variables/{ValidId(v)}.toml", "schema_version = 1\ndescription = \"Describe what this variable configures\"\ntype = \"string\"\n\n[values]\ndefault = \"default value\"\n\n[resolve]\ndefault = \"default\"\n"));
            }
            else if (parse.GetValue(resource) is { } r)
            {
                var id = ValidId(r);
                files.Add(("resource", $"resources/{id}.toml", $"schema_version = 1\nschema = \"../schemas/{id}.schema.json\"\n"));
                files.Add(("schema", $"schemas/{id}.schema.json", "{\n  \"type\": \"object\",\n  \"required\": [\"enabled\"],\n  \"properties\": {\n    \"enabled\": { \"type\": \"boolean\" }\n  }\n}\n"));
                files.Add(("resource_object", $"resources/{id}-objects/default.toml", "enabled = true\n"));
            }
            else if (parse.GetValue(context))
            {
                files.Add(("schema", "schemas/context.schema.json", "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"user\": {\n      \"type\": \"object\",\n      \"properties\": {\n        \"tier\": { \"type\": \"string\" }\n      }\n    }\n  }\n}\n"));
            }

            var isDryRun = parse.GetValue(dryRun);
            var overwrite = parse.GetValue(force);
            var results = new JsonArray();
            foreach (var (kind, path, text) in files)
            {
                var full = Path.Combine(root, path);
                var exists = File.Exists(full);
                string action;
                if (kind == "manifest" && exists)
                {
                    action = "exists";
                }
                else if (exists && !overwrite)
                {
                    return cli.Terminal.Fail($"file already exists: {full}");
                }
                else
                {
                    action = (isDryRun, exists) switch { (true, true) => "would_overwrite", (true, false) => "would_create", (false, true) => "overwritten", _ => "created" };
                    if (!isDryRun)
                    {
                        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                        File.WriteAllText(full, text);
                    }
                }
                results.Add((JsonNode)new JsonObject { ["kind"] = kind, ["path"] = path, ["action"] = action });
            }
            if (parse.GetValue(cli.Json))
            {
                cli.Terminal.WriteJson(new JsonObject { ["command"] = "init", ["workspace"] = root, ["dry_run"] = isDryRun, ["files"] = results });
            }
            else if (!parse.GetValue(cli.Quiet))
            {
                foreach (var file in results)
                {
                    cli.Terminal.Out.WriteLine($"{file!["action"]}: {file["path"]}");
                }
            }
            return 0;
        });
        return command;
    }

    /// <summary>Ids that init creates: <c>[A-Za-z0-9._-]+</c>, no leading '.', no empty '.' segments (§2.1).</summary>
    private static string ValidId(string id) =>
        IdPattern().IsMatch(id) && !id.StartsWith('.') && !id.Split('.').Any(s => s.Length == 0)
            ? id
            : throw new RototoException(RototoErrorCode.Workspace, $"invalid id: {id}");

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex IdPattern();
}
