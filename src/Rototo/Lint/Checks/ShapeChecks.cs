using Rototo.Discovery;
using Rototo.Model;
using Rototo.Toml;

namespace Rototo.Lint.Checks;

/// <summary>Project-stage shape checks of qualifier, resource and variable files (§3, §9.4).</summary>
internal static class ShapeChecks
{
    public static bool IsSchemaVersionOne(TomlNode? node) => node is TomlScalarNode { Kind: TomlScalarKind.Integer, Integer: 1 };

    public static void Run(LintContext context)
    {
        foreach (var document in context.Parsed(DocumentKind.Qualifier))
        {
            Qualifier(context, new QualifierView(document));
        }
        foreach (var document in context.Parsed(DocumentKind.Resource))
        {
            Resource(context, new ResourceView(document));
        }
        foreach (var document in context.Parsed(DocumentKind.Variable))
        {
            Variable(context, new VariableView(document));
        }
    }

    private static void Qualifier(LintContext context, QualifierView qualifier)
    {
        var document = qualifier.Document;
        var entity = DiagnosticEntity.Qualifier(qualifier.Id);
        var version = qualifier.Root["schema_version"];
        if (!IsSchemaVersionOne(version))
        {
            context.Report("qualifier-schema-version", entity, "qualifier must declare schema_version = 1", document, version?.Span);
        }

        var predicates = qualifier.Root["predicate"];
        if (predicates is null)
        {
            context.Report("qualifier-predicate-missing", entity, "qualifier must contain at least one [[predicate]]", document, null);
            return;
        }
        if (predicates is not TomlArrayNode)
        {
            context.Report("qualifier-predicate-shape", entity, "predicate must use [[predicate]] tables", document, predicates.Span);
            return;
        }
        foreach (var predicate in qualifier.Predicates)
        {
            Predicate(context, qualifier, predicate);
        }
    }

    private static void Predicate(LintContext context, QualifierView qualifier, PredicateView predicate)
    {
        var document = qualifier.Document;
        var entity = DiagnosticEntity.Predicate(qualifier.Id, predicate.Index);
        if (predicate.Attribute is null || predicate.AttributeNode is not TomlScalarNode { Kind: TomlScalarKind.String })
        {
            context.Report("qualifier-predicate-shape", entity, "predicate must contain attribute", document, predicate.Node.Span);
            return;
        }
        if (predicate.OpNode is not TomlScalarNode { Kind: TomlScalarKind.String } || predicate.Op is not { } op)
        {
            context.Report("qualifier-predicate-shape", entity, "predicate must contain op", document, predicate.Node.Span);
            return;
        }
        if (!Operators.IsKnown(op))
        {
            context.Report("qualifier-predicate-unknown-op", entity, $"predicate has unknown op: {op}", document, predicate.OpNode.Span);
        }
        if (op == "bucket")
        {
            Bucket(context, document, entity, predicate);
            return;
        }
        var value = predicate.Value;
        if (value is null)
        {
            context.Report("qualifier-predicate-value", entity, "predicate must contain value", document, predicate.Node.Span);
        }
        else if (Operators.IsMembership(op) && value is not TomlArrayNode)
        {
            context.Report("qualifier-predicate-value", entity, $"{op} predicate value must be a list", document, value.Span);
        }
        else if (Operators.IsOrdering(op) && value is not TomlScalarNode { Kind: TomlScalarKind.Integer or TomlScalarKind.Float })
        {
            context.Report("qualifier-predicate-value", entity, $"{op} predicate value must be a number", document, value.Span);
        }
    }

    private static void Bucket(LintContext context, WorkspaceDocument document, DiagnosticEntity entity, PredicateView predicate)
    {
        if (predicate.Salt is not TomlScalarNode { Kind: TomlScalarKind.String })
        {
            context.Report("qualifier-predicate-bucket", entity, "bucket predicate must contain salt", document, (predicate.Salt ?? predicate.Node).Span);
        }
        var range = predicate.Range;
        if (range is null)
        {
            context.Report("qualifier-predicate-bucket", entity, "bucket predicate must contain range", document, predicate.Node.Span);
        }
        else if (range is not TomlArrayNode array)
        {
            context.Report("qualifier-predicate-bucket", entity, "bucket range must be a list", document, range.Span);
        }
        else if (array.Items.Count != 2 || array.Items.Any(i => i is not TomlScalarNode { Kind: TomlScalarKind.Integer }))
        {
            context.Report("qualifier-predicate-bucket", entity, "bucket range must contain two integers", document, range.Span);
        }
        else
        {
            var start = ((TomlScalarNode)array.Items[0]).Integer;
            var end = ((TomlScalarNode)array.Items[1]).Integer;
            if (!(start >= 0 && start < end && end <= 10000))
            {
                context.Report("qualifier-predicate-bucket", entity, "bucket range must satisfy 0 <= start < end <= 10000", document, range.Span);
            }
        }
        if (predicate.Value is { } value)
        {
            context.Report("qualifier-predicate-bucket", entity, "bucket predicate must not contain value", document, value.Span);
        }
    }

    private static void Resource(LintContext context, ResourceView resource)
    {
        var document = resource.Document;
        var entity = DiagnosticEntity.Resource(resource.Id);
        var version = document.Toml!["schema_version"];
        if (!IsSchemaVersionOne(version))
        {
            context.Report("resource-schema-version", entity, "resource must declare schema_version = 1", document, version?.Span);
        }
        if (resource.Schema is null)
        {
            context.Report("resource-schema-ref", entity, "resource must declare schema", document, resource.SchemaNode?.Span);
        }
    }

    private static void Variable(LintContext context, VariableView variable)
    {
        var document = variable.Document;
        var root = variable.Root;
        var entity = DiagnosticEntity.Variable(variable.Id);
        var version = root["schema_version"];
        if (!IsSchemaVersionOne(version))
        {
            context.Report("variable-schema-version", entity, "variable must declare schema_version = 1", document, version?.Span);
        }

        TypeSource(context, variable, entity);
        Values(context, variable, entity);
        Resolve(context, variable, entity);
    }

    private static void TypeSource(LintContext context, VariableView variable, DiagnosticEntity entity)
    {
        var document = variable.Document;
        var type = variable.TypeNode;
        var schema = variable.Root["schema"];
        if (type is null && schema is not null)
        {
            context.Report("variable-type-source", entity, "variable schemas are no longer supported; declare type instead", document, schema.Span);
        }
        else if (type is null || schema is not null)
        {
            // Both declared: the diagnostic sits on the schema item, the one that conflicts.
            context.Report("variable-type-source", entity, "variable must declare type", document, (schema ?? type)?.Span);
        }
        else if (variable.Type is null)
        {
            context.Report("variable-type-source", entity, "variable type must be a string", document, type.Span);
        }
    }

    private static void Values(LintContext context, VariableView variable, DiagnosticEntity entity)
    {
        var document = variable.Document;
        var values = variable.ValuesNode;
        if (variable.IsResourceBacked)
        {
            if (values is not null && (values is not TomlTableNode table || table.Entries.Count > 0))
            {
                context.Report("variable-values-disallowed", entity, "resource-backed variables must not contain [values]", document, values.Span);
            }
            return;
        }
        if (values is not null and not TomlTableNode)
        {
            context.Report("variable-values-missing", entity, "variable values must be a table", document, values.Span);
        }
        else if (values is not TomlTableNode { Entries.Count: > 0 })
        {
            context.Report("variable-values-missing", entity, "primitive variable must contain [values]", document, values?.Span);
        }
    }

    private static void Resolve(LintContext context, VariableView variable, DiagnosticEntity entity)
    {
        var document = variable.Document;
        var resolve = variable.Root["resolve"];
        if (resolve is null)
        {
            context.Report("variable-resolve-missing-default", entity, "variable must contain [resolve]", document, null);
            return;
        }
        if (resolve is not TomlTableNode table)
        {
            context.Report("variable-resolve-shape", entity, "resolve must be a table", document, resolve.Span);
            return;
        }
        if (variable.Default is null)
        {
            context.Report("variable-resolve-missing-default", entity, "resolve must reference a default value", document, table.Span);
        }
        var rules = variable.RuleNode;
        if (rules is null)
        {
            return;
        }
        if (rules is not TomlArrayNode)
        {
            context.Report("variable-rule-shape", entity, "rule must use [[resolve.rule]] tables", document, rules.Span);
            return;
        }
        foreach (var rule in variable.Rules)
        {
            var ruleEntity = DiagnosticEntity.Rule(variable.Id, rule.Index);
            if (rule.Table is null)
            {
                context.Report("variable-rule-shape", ruleEntity, "rule must be a table", document, rule.Node.Span);
                continue;
            }
            if (rule.QualifierNode is not TomlScalarNode { Kind: TomlScalarKind.String })
            {
                context.Report("variable-rule-shape", ruleEntity, "rule must reference a qualifier", document, rule.Node.Span);
            }
            if (rule.ValueNode is not TomlScalarNode { Kind: TomlScalarKind.String })
            {
                context.Report("variable-rule-shape", ruleEntity, "rule must reference a value", document, rule.Node.Span);
            }
        }
    }
}
