using System.Text.Json;
using NJsonSchema.Validation;
using Rototo.Json;

namespace Rototo.Schemas;

/// <summary>Turns an NJsonSchema validation error into a one-line message in the style rototo prints.</summary>
internal static class SchemaErrorText
{
    public static string Describe(ValidationError error, JsonElement root)
    {
        var path = error.Path ?? "";
        var instance = Locate(root, path);
        var rendered = instance is { } value ? SerdeJson.Compact(value) : "value";
        var where = path.Length == 0 || path == "#" ? "" : $" at {path.TrimStart('#')}";
        return error.Kind switch
        {
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"Additional properties are not allowed ('{error.Property}' was unexpected)",
            ValidationErrorKind.PropertyRequired => $"\"{error.Property}\" is a required property{ParentWhere(path)}",
            ValidationErrorKind.StringExpected => $"{rendered} is not of type \"string\"{where}",
            ValidationErrorKind.IntegerExpected => $"{rendered} is not of type \"integer\"{where}",
            ValidationErrorKind.NumberExpected => $"{rendered} is not of type \"number\"{where}",
            ValidationErrorKind.BooleanExpected => $"{rendered} is not of type \"boolean\"{where}",
            ValidationErrorKind.ObjectExpected => $"{rendered} is not of type \"object\"{where}",
            ValidationErrorKind.ArrayExpected => $"{rendered} is not of type \"array\"{where}",
            ValidationErrorKind.NullExpected => $"{rendered} is not of type \"null\"{where}",
            ValidationErrorKind.NotInEnumeration => $"{rendered} is not one of the allowed values{where}",
            _ => $"{rendered} is invalid{where}: {error.Kind}",
        };
    }

    private static string ParentWhere(string path)
    {
        var cut = path.LastIndexOf('/');
        var parent = cut <= 0 ? "" : path[1..cut];
        return parent.Length == 0 ? "" : $" at {parent}";
    }

    private static JsonElement? Locate(JsonElement root, string path)
    {
        var current = root;
        foreach (var segment in path.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }
        return current;
    }
}
