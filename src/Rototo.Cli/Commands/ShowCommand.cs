using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Rototo.Cli.Output;
using Rototo.Discovery;
using Rototo.Lint;

namespace Rototo.Cli.Commands;

/// <summary><c>rototo show [SOURCE]</c> (§11.3): the inventory, selected files, or the lint rule catalog.</summary>
internal static class ShowCommand
{
    public static Command Create(CliContext cli)
    {
        var source = CliContext.SourceArgument();
        var selectors = new Selectors();
        var command = new Command("show", "Show workspace files or the lint rule catalog") { source };
        selectors.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var json = parse.GetValue(cli.Json);
            var catalog = CatalogRequest.From(parse, selectors);
            if (parse.GetValue(source) is null && catalog is not null && !selectors.AnyEntity(parse))
            {
                return ShowCatalog(cli.Terminal, catalog, json, parse.GetValue(cli.Quiet), null, []);
            }
            var (staged, _) = await cli.StageAsync(parse, parse.GetValue(source), cancellationToken);
            var snapshot = Workspace.DiscoverChecked(staged);
            var registrations = Lint.Linter.Registrations(snapshot);
            if (catalog is not null)
            {
                return ShowCatalog(cli.Terminal, catalog, json, parse.GetValue(cli.Quiet), snapshot.Root, registrations);
            }
            var selection = selectors.Resolve(parse, snapshot);
            if (json)
            {
                cli.Terminal.WriteJson(Inventory(snapshot, selection, registrations));
            }
            else
            {
                WriteHuman(cli.Terminal.Out, snapshot, selection, registrations, parse.GetValue(cli.Quiet));
            }
            return 0;
        });
        return command;
    }

    private static JsonObject Inventory(WorkspaceSnapshot snapshot, Selection selection, IReadOnlyList<Lint.Custom.CustomLintRegistration> registrations)
    {
        JsonArray Views(DocumentKind kind, string? scheme) => new([.. selection.Documents(snapshot, kind).Select(d => (JsonNode)View(snapshot, d, scheme, selection.Explicit))]);
        return new JsonObject
        {
            ["command"] = "show",
            ["workspace"] = snapshot.Root,
            ["schemas"] = Views(DocumentKind.Schema, null),
            ["resources"] = Views(DocumentKind.Resource, "resource"),
            ["variables"] = Views(DocumentKind.Variable, "variable"),
            ["qualifiers"] = Views(DocumentKind.Qualifier, "qualifier"),
            ["lint_rules"] = new JsonArray(),
            ["lint_authorities"] = CustomLintView.AuthoritiesJson(selection.Chosen is null ? CustomLintView.Authorities(registrations) : []),
            ["linters"] = new JsonArray([.. selection.Documents(snapshot, DocumentKind.CustomLint).Select(d => (JsonNode)new JsonObject { ["id"] = d.Id, ["path"] = d.RelativePath })]),
        };
    }

    private static JsonObject View(WorkspaceSnapshot snapshot, WorkspaceDocument document, string? scheme, bool withValue)
    {
        var view = new JsonObject { ["id"] = document.Id };
        if (scheme is not null)
        {
            view["uri"] = $"{scheme}://{document.Id}";
        }
        view["path"] = document.RelativePath;
        if (withValue)
        {
            view["value"] = document.Toml is { } toml ? Json.SerdeJson.Value(toml.ToJson()) : document.Json is { } json ? Json.SerdeJson.Value(json) : null;
            if (document.Kind == DocumentKind.Resource)
            {
                var objects = new JsonObject();
                foreach (var obj in snapshot.OfKind(DocumentKind.ResourceObject).Where(o => o.ResourceId == document.Id && o.Toml is not null))
                {
                    objects[obj.Id] = Json.SerdeJson.Value(obj.Toml!.ToJson());
                }
                if (objects.Count > 0)
                {
                    view["objects"] = objects;
                }
            }
        }
        return view;
    }

    /// <summary>
    /// Selected documents print their text; the inventory prints a section per kind that has documents (<c>--quiet</c>:
    /// only their paths, one a line).
    /// </summary>
    private static void WriteHuman(TextWriter output, WorkspaceSnapshot snapshot, Selection selection, IReadOnlyList<Lint.Custom.CustomLintRegistration> registrations, bool quiet)
    {
        if (selection.Explicit)
        {
            foreach (var document in selection.All(snapshot))
            {
                output.Write(document.Text);
                if (document.Kind == DocumentKind.Resource)
                {
                    foreach (var obj in snapshot.OfKind(DocumentKind.ResourceObject).Where(o => o.ResourceId == document.Id))
                    {
                        output.WriteLine();
                        output.WriteLine($"[objects.{obj.Id}]");
                        output.Write(obj.Text);
                    }
                }
            }
            return;
        }
        // A section is printed only when it has entries: an empty heading says nothing.
        void Section(string title, IReadOnlyList<(string Name, string Detail)> entries)
        {
            if (entries.Count == 0)
            {
                return;
            }
            if (!quiet)
            {
                output.WriteLine($"{title}:");
            }
            foreach (var (name, detail) in entries)
            {
                output.WriteLine(quiet ? detail : $"  {name}  {detail}");
            }
        }
        List<(string, string)> Documents(DocumentKind kind) => [.. selection.Documents(snapshot, kind).Select(d => (d.Id, d.RelativePath))];
        Section("qualifiers", Documents(DocumentKind.Qualifier));
        Section("variables", Documents(DocumentKind.Variable));
        Section("resources", Documents(DocumentKind.Resource));
        Section("schemas", Documents(DocumentKind.Schema));
        Section("lint authorities", [.. CustomLintView.Authorities(registrations).SelectMany(a => a.Value.Select(rule => (a.Key, rule)))]);
        Section("linters", Documents(DocumentKind.CustomLint));
    }

    private static int ShowCatalog(Terminal terminal, CatalogRequest request, bool json, bool quiet, string? workspace, IReadOnlyList<Lint.Custom.CustomLintRegistration> registrations)
    {
        var rules = workspace is null ? LintRuleCatalog.All : CustomLintView.Catalog(registrations);
        if (request.Rule is { } rule)
        {
            var info = rules.FirstOrDefault(r => r.Rule == rule);
            if (info is null)
            {
                throw CliError.NotFound("diagnostic", rule, rules.Select(r => r.Rule));
            }
            rules = [info];
        }
        if (request.Authority is { } authority)
        {
            var authorities = rules.Select(r => r.Rule[..Math.Max(0, r.Rule.IndexOf('/', StringComparison.Ordinal))]).Distinct().ToList();
            rules = [.. rules.Where(r => r.Rule.StartsWith(authority + "/", StringComparison.Ordinal))];
            if (rules.Count == 0)
            {
                throw CliError.NotFound("lint authority", authority, authorities);
            }
        }
        if (json)
        {
            var catalog = new JsonObject
            {
                ["scope"] = workspace is null ? "global" : "workspace",
                ["subject"] = workspace ?? "global",
                ["diagnostics"] = new JsonArray([.. rules.Select(r => (JsonNode)CatalogEntry(r))]),
            };
            if (workspace is not null)
            {
                // The workspace catalog also lists its rules under lint_rules, as the inventory names them (§11.3).
                catalog["lint_rules"] = catalog["diagnostics"]!.DeepClone();
            }
            terminal.WriteJson(catalog);
            return 0;
        }
        if (request.Rule is not null)
        {
            var info = rules[0];
            terminal.Out.WriteLine($"rule: {info.Rule}");
            terminal.Out.WriteLine($"severity: {info.Severity.ToWireName()}");
            if (info.Entity is not null)
            {
                terminal.Out.WriteLine($"entity: {(info.Entity == "resourceobject" ? "resource_object" : info.Entity)}");
            }
            terminal.Out.WriteLine($"title: {info.Title}");
            terminal.Out.WriteLine($"help: {info.Help}");
            return 0;
        }
        if (quiet)
        {
            foreach (var info in rules)
            {
                terminal.Out.WriteLine(info.Rule);
            }
            return 0;
        }
        var width = rules.Max(r => r.Rule.Length);
        var builder = new StringBuilder();
        builder.AppendLine($"{"rule".PadRight(width)}  {"severity",-8}  {"entity",-15}  title");
        foreach (var info in rules)
        {
            builder.AppendLine($"{info.Rule.PadRight(width)}  {info.Severity.ToWireName(),-8}  {info.Entity ?? "-",-15}  {info.Title}");
        }
        terminal.Out.Write(builder.ToString());
        return 0;
    }

    private static JsonObject CatalogEntry(LintRuleInfo info)
    {
        var entry = new JsonObject { ["rule"] = info.Rule, ["severity"] = info.Severity.ToWireName() };
        if (info.Entity is not null)
        {
            entry["entity"] = info.Entity;
        }
        entry["title"] = info.Title;
        entry["help"] = info.Help;
        return entry;
    }
}

/// <summary>The entity selectors shared by <c>show</c> and <c>inspect</c> (§15).</summary>
internal sealed class Selectors
{
    public Option<string[]> Variable { get; } = new("--variable") { Description = "Select a variable (repeatable)" };

    public Option<bool> Variables { get; } = new("--variables") { Description = "Select every variable" };

    public Option<string[]> Qualifier { get; } = new("--qualifier") { Description = "Select a qualifier (repeatable)" };

    public Option<bool> Qualifiers { get; } = new("--qualifiers") { Description = "Select every qualifier" };

    public Option<string[]> Resource { get; } = new("--resource") { Description = "Select a resource (repeatable)" };

    public Option<bool> Resources { get; } = new("--resources") { Description = "Select every resource" };

    public Option<string?> LintRule { get; } = new("--lint-rule") { Description = "Show one lint rule (authority/rule)" };

    public Option<bool> LintRules { get; } = new("--lint-rules") { Description = "Show the lint rule catalog" };

    public Option<string?> LintAuthority { get; } = new("--lint-authority") { Description = "Show the rules of one lint authority" };

    public Option<bool> LintAuthorities { get; } = new("--lint-authorities") { Description = "Show the rules of every lint authority" };

    public Option<string[]> Linter { get; } = new("--linter") { Description = "Select a custom linter, lint/<id>.lua (repeatable)" };

    public Option<bool> Linters { get; } = new("--linters") { Description = "Select every custom linter" };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Variable, Variables, Qualifier, Qualifiers, Resource, Resources, LintRule, LintRules, LintAuthority, LintAuthorities, Linter, Linters })
        {
            command.Options.Add(option);
        }
    }

    public bool AnyEntity(ParseResult parse) =>
        (parse.GetValue(Variable)?.Length ?? 0) > 0 || parse.GetValue(Variables) || (parse.GetValue(Qualifier)?.Length ?? 0) > 0 ||
        parse.GetValue(Qualifiers) || (parse.GetValue(Resource)?.Length ?? 0) > 0 || parse.GetValue(Resources) ||
        (parse.GetValue(Linter)?.Length ?? 0) > 0 || parse.GetValue(Linters);

    public Selection Resolve(ParseResult parse, WorkspaceSnapshot snapshot)
    {
        if (!AnyEntity(parse))
        {
            return new Selection(null, false);
        }
        var chosen = new Dictionary<DocumentKind, HashSet<string>?>();
        void Pick(DocumentKind kind, string noun, string[]? ids, bool all)
        {
            if (all)
            {
                chosen[kind] = null;
                return;
            }
            foreach (var id in ids ?? [])
            {
                if (!snapshot.OfKind(kind).Any(d => d.Id == id))
                {
                    throw CliError.NotFound(noun, id, snapshot.OfKind(kind).Select(d => d.Id));
                }
                (chosen.TryGetValue(kind, out var set) && set is not null ? set : chosen[kind] = new HashSet<string>(StringComparer.Ordinal)).Add(id);
            }
        }
        Pick(DocumentKind.Variable, "variable", parse.GetValue(Variable), parse.GetValue(Variables));
        Pick(DocumentKind.Qualifier, "qualifier", parse.GetValue(Qualifier), parse.GetValue(Qualifiers));
        Pick(DocumentKind.Resource, "resource", parse.GetValue(Resource), parse.GetValue(Resources));
        Pick(DocumentKind.CustomLint, "linter", parse.GetValue(Linter), parse.GetValue(Linters));
        var isExplicit = chosen.Values.Any(v => v is not null);
        return new Selection(chosen, isExplicit);
    }
}

/// <summary>Which documents a selector picked: null = everything (inventory).</summary>
internal sealed record Selection(Dictionary<DocumentKind, HashSet<string>?>? Chosen, bool Explicit)
{
    public IEnumerable<WorkspaceDocument> Documents(WorkspaceSnapshot snapshot, DocumentKind kind)
    {
        var documents = snapshot.OfKind(kind);
        if (Chosen is null)
        {
            return documents;
        }
        return Chosen.TryGetValue(kind, out var ids) ? documents.Where(d => ids is null || ids.Contains(d.Id)) : [];
    }

    public IEnumerable<WorkspaceDocument> All(WorkspaceSnapshot snapshot) =>
        new[] { DocumentKind.Qualifier, DocumentKind.Variable, DocumentKind.Resource, DocumentKind.CustomLint }.SelectMany(k => Documents(snapshot, k));
}

/// <summary>A request for the lint rule catalog (§9.3): all rules, one rule, or one authority's rules.</summary>
internal sealed record CatalogRequest(string? Rule, string? Authority)
{
    /// <summary>The catalog request of a <c>show</c> command line, or null when it does not ask for the catalog.</summary>
    public static CatalogRequest? From(ParseResult parse, Selectors selectors)
    {
        var rule = parse.GetValue(selectors.LintRule);
        var authority = parse.GetValue(selectors.LintAuthority);
        return rule is not null || authority is not null || parse.GetValue(selectors.LintRules) || parse.GetValue(selectors.LintAuthorities)
            ? new CatalogRequest(rule, authority)
            : null;
    }
}
