using System.Text.Json;
using System.Text.Json.Nodes;
using CloudRuntimes.Components.Rototo;
using Rototo;
using Rototo.Text;

namespace CloudRuntimes.Host.Dashboard;

/// <summary>
/// The dashboard's rototo playground: the <c>configuration.rototo</c> stores with their variables, context schema and
/// default context, and a resolution of one variable with a context as typed, explained (rototo's trace, §8.2).
/// </summary>
internal sealed class RototoPlayground(ICloudRuntimesComponents components)
{
    /// <summary>Largest context text the playground accepts, in characters.</summary>
    public const int MaxContextLength = 64 * 1024;

    /// <summary><c>{stores: [{name, variables: [id], contextSchema, defaultContext, refresh: {lastSuccess, failures, lastError}}]}</c>.</summary>
    public JsonObject Stores() => new()
    {
        ["stores"] = new JsonArray([.. StoresOf().Select(s =>
        {
            var (name, store) = s;
            var workspace = store.Workspace;
            var status = store.RefreshStatus;
            JsonNode? defaults;
            try
            {
                defaults = store.CurrentDefaultContext is { } context ? JsonNode.Parse(context.Root.GetRawText()) : null;
            }
            catch (RototoException)
            {
                defaults = null;
            }
            return (JsonNode)new JsonObject
            {
                ["name"] = name,
                ["variables"] = new JsonArray([.. workspace.Inspection.Variables.Select(v => (JsonNode)JsonValue.Create(v.Id))]),
                ["contextSchema"] = workspace.ContextSchema is { } schema ? JsonNode.Parse(schema.GetRawText()) : null,
                ["defaultContext"] = defaults,
                ["refresh"] = new JsonObject
                {
                    ["lastSuccess"] = status.LastSuccess?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    ["failures"] = status.ConsecutiveFailures,
                    ["lastError"] = status.LastError,
                },
            };
        })]),
    };

    /// <summary>
    /// Resolves <paramref name="variable"/> of store <paramref name="storeName"/> with the context text as typed:
    /// <c>{valid: true, trace}</c> (§8.2 VariableTrace), or <c>{valid: false, error, line?, column?, location?}</c> when the text
    /// is not a JSON object (with the line and column in it), fails the context schema (<c>location</c> names the
    /// attribute), misses an attribute a qualifier reads, or the store or variable does not exist.
    /// </summary>
    public JsonObject Resolve(string? storeName, string? variable, string? contextText)
    {
        if (StoresOf().FirstOrDefault(s => s.Name == storeName).Store is not { } store)
        {
            return Invalid($"no configuration.rototo store named '{storeName}'");
        }
        if (string.IsNullOrEmpty(variable))
        {
            return Invalid("pick a variable");
        }
        contextText ??= "{}";
        if (contextText.Length > MaxContextLength)
        {
            return Invalid($"the context is {contextText.Length} characters long, over the playground's limit of {MaxContextLength}");
        }
        JsonObject context;
        try
        {
            context = JsonNode.Parse(contextText) as JsonObject ?? throw new RototoException(RototoErrorCode.InvalidContext, "the context must be a JSON object");
        }
        catch (JsonException e)
        {
            var error = JsonTextError.From(contextText, e);
            var invalid = Invalid($"not JSON: {error.Message}");
            invalid["line"] = error.Line;
            invalid["column"] = error.Column;
            return invalid;
        }
        catch (RototoException e)
        {
            return Invalid(e.Message);
        }
        try
        {
            return new JsonObject { ["valid"] = true, ["trace"] = store.Workspace.TraceVariableJson(variable, ResolveContext.From(context)) };
        }
        catch (RototoException e)
        {
            var invalid = Invalid(e.Message);
            invalid["location"] = e.Location;
            return invalid;
        }
    }

    private IEnumerable<(string Name, RototoConfigurationStore Store)> StoresOf()
    {
        foreach (var component in components.Components.Where(c => c.Type == RototoComponentFactory.ConfigurationType))
        {
            if (components.TryGet<RototoConfigurationStore>(component.Name, out var store))
            {
                yield return (component.Name, store);
            }
        }
    }

    private static JsonObject Invalid(string error) => new() { ["valid"] = false, ["error"] = error };
}
