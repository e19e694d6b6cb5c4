using Rototo.Discovery;
using Rototo.Toml;

namespace Rototo.Lint.Checks;

/// <summary>The manifest rules of §3.1: one <c>workspace-manifest-schema-failed</c> for the first problem.</summary>
internal static class ManifestChecks
{
    public static void Run(LintContext context)
    {
        if (context.Snapshot.Manifest is not { Toml: { } root } manifest)
        {
            return;
        }
        if (Validate(root) is { } message)
        {
            context.Report("workspace-manifest-schema-failed", DiagnosticEntity.Manifest, message, manifest, null);
        }
    }

    /// <summary>The first manifest problem in rototo's order, or null when the manifest is valid.</summary>
    public static string? Validate(TomlTableNode root)
    {
        if (root["schema_version"] is not TomlScalarNode { Kind: TomlScalarKind.Integer } version)
        {
            return "workspace manifest must declare schema_version = 1";
        }
        if (version.Integer != 1)
        {
            return $"unsupported workspace schema_version: {version.Integer}";
        }
        return ExtendsProblem(root);
    }

    /// <summary>The first problem of the manifest's <c>extends</c> list (§3.1), or null when it is absent or valid.</summary>
    public static string? ExtendsProblem(TomlTableNode root)
    {
        if (root["extends"] is not { } extends)
        {
            return null;
        }
        if (extends is not TomlArrayNode sources)
        {
            return "workspace extends must be an array of sources";
        }
        foreach (var source in sources.Items)
        {
            if (source is not TomlScalarNode { Kind: TomlScalarKind.String, Text: { } text })
            {
                return "workspace extends sources must be strings";
            }
            if (text.Trim().Length == 0)
            {
                return "workspace extends source must not be blank";
            }
            if (text.Trim().Length != text.Length)
            {
                return "workspace extends source must not contain surrounding whitespace";
            }
        }
        return null;
    }
}

/// <summary>Project-stage schema rules: the context schema contract and schema compilation.</summary>
internal static class SchemaChecks
{
    public static void Run(LintContext context)
    {
        var contextSchema = context.ContextSchemaDocument;
        if (contextSchema is not null)
        {
            var entity = DiagnosticEntity.Schema(contextSchema.RelativePath);
            if (contextSchema.Json is not { } json)
            {
                context.Report("workspace-context-schema-ref", entity, $"context schema file could not be parsed: {WorkspaceSnapshot.ContextSchemaPath}", contextSchema, null);
            }
            else
            {
                if (!Schemas.SchemaCompiler.TryCompile(json, out _, out var error))
                {
                    context.Report("workspace-context-schema-ref", entity, $"context schema is invalid: {error}", contextSchema, null);
                }
                if (json.ValueKind == System.Text.Json.JsonValueKind.Object &&
                    json.TryGetProperty("properties", out var properties) &&
                    properties.ValueKind == System.Text.Json.JsonValueKind.Object &&
                    properties.TryGetProperty("qualifier", out _))
                {
                    context.Report("workspace-context-schema-reserved-field", entity, "context schema declares reserved top-level field: qualifier", contextSchema, null);
                }
            }
        }

        foreach (var schema in context.Parsed(DocumentKind.Schema))
        {
            if (!Schemas.SchemaCompiler.TryCompile(schema.Json!.Value, out _, out var error))
            {
                context.Report("schema-invalid", DiagnosticEntity.Schema(schema.RelativePath), $"schema is invalid: {error}", schema, null);
            }
        }
    }
}
