using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nines.Contracts;

/// <summary>
/// Runs DataAnnotations (<see cref="Validator.TryValidateObject(object, ValidationContext, ICollection{ValidationResult}?, bool)"/>
/// with all properties) over an object graph, recursing into nested objects and collections, and names each problem by
/// its JSON path (<c>$.lines[1].amount</c>) using the serializer's property names.
/// </summary>
internal static class AnnotationsValidator
{
    private static readonly ConcurrentDictionary<(Type, JsonNamingPolicy?), TypeShape> _shapes = new();

    public static void Validate(object root, JsonSerializerOptions options, List<string> errors)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Visit(root, "$", options, errors, visited, depth: 0);
    }

    private static void Visit(object value, string path, JsonSerializerOptions options, List<string> errors, HashSet<object> visited, int depth)
    {
        var type = value.GetType();
        if (IsLeaf(type) || depth > 32 || !visited.Add(value))
        {
            return;
        }

        if (value is IEnumerable sequence and not IDictionary)
        {
            var index = 0;
            foreach (var item in sequence)
            {
                if (item is not null)
                {
                    Visit(item, $"{path}[{index}]", options, errors, visited, depth + 1);
                }

                index++;
            }

            return;
        }

        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (entry.Value is not null)
                {
                    Visit(entry.Value, $"{path}.{entry.Key}", options, errors, visited, depth + 1);
                }
            }

            return;
        }

        var shape = _shapes.GetOrAdd((type, options.PropertyNamingPolicy), static key => TypeShape.Create(key.Item1, key.Item2));
        if (shape.HasAnnotations)
        {
            ValidateObject(value, shape, path, errors);
        }

        foreach (var property in shape.Nested)
        {
            var child = property.Getter.GetValue(value);
            if (child is not null)
            {
                Visit(child, $"{path}.{property.JsonName}", options, errors, visited, depth + 1);
            }
        }
    }

    /// <summary>
    /// Follows <see cref="Validator.TryValidateObject(object, ValidationContext, ICollection{ValidationResult}?, bool)"/>
    /// with all properties: per property [Required] first (and nothing else when it fails), then its other attributes; class
    /// attributes only when every property passed; <see cref="IValidatableObject"/> only when those passed too. It reads
    /// cached attributes instead of going through TypeDescriptor, because this runs on every accepted reply.
    /// </summary>
    private static void ValidateObject(object value, TypeShape shape, string path, List<string> errors)
    {
        var before = errors.Count;
        foreach (var rule in shape.Rules)
        {
            var propertyValue = rule.Property.GetValue(value);
            if (rule.Required is { } required && !Passes(required, propertyValue, value, rule, path, errors))
            {
                continue;
            }

            foreach (var attribute in rule.Others)
            {
                Passes(attribute, propertyValue, value, rule, path, errors);
            }
        }

        if (errors.Count > before || (shape.ClassAttributes.Length == 0 && value is not IValidatableObject))
        {
            return;
        }

        var context = new ValidationContext(value);
        foreach (var attribute in shape.ClassAttributes)
        {
            var result = attribute.GetValidationResult(value, context);
            if (result != ValidationResult.Success && result is not null)
            {
                Report(result, shape, path, errors);
            }
        }

        if (errors.Count == before && value is IValidatableObject validatable)
        {
            foreach (var result in validatable.Validate(context))
            {
                if (result != ValidationResult.Success && result is not null)
                {
                    Report(result, shape, path, errors);
                }
            }
        }
    }

    private static bool Passes(ValidationAttribute attribute, object? propertyValue, object owner, PropertyRule rule, string path, List<string> errors)
    {
        string? message = null;
        if (attribute.RequiresValidationContext)
        {
            var context = new ValidationContext(owner) { MemberName = rule.Property.Name, DisplayName = rule.DisplayName };
            var result = attribute.GetValidationResult(propertyValue, context);
            if (result != ValidationResult.Success && result is not null)
            {
                message = result.ErrorMessage;
            }
        }
        else if (!attribute.IsValid(propertyValue))
        {
            message = attribute.FormatErrorMessage(rule.DisplayName);
        }

        if (message is null)
        {
            return true;
        }

        errors.Add($"{path}.{rule.JsonName}: {message}");
        return false;
    }

    private static void Report(ValidationResult result, TypeShape shape, string path, List<string> errors)
    {
        var members = result.MemberNames.ToList();
        var where = members.Count == 0 ? path : string.Join(", ", members.Select(m => $"{path}.{shape.JsonName(m)}"));
        errors.Add($"{where}: {result.ErrorMessage}");
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
        || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(TimeSpan)
        || type == typeof(Guid) || type == typeof(Uri) || type == typeof(JsonElement) || type == typeof(JsonDocument);

    private sealed record NestedProperty(PropertyInfo Getter, string JsonName);

    private sealed record PropertyRule(PropertyInfo Property, string JsonName, string DisplayName, RequiredAttribute? Required, ValidationAttribute[] Others);

    private sealed class TypeShape
    {
        private readonly Dictionary<string, string> _jsonNames;

        private TypeShape(Dictionary<string, string> jsonNames, List<NestedProperty> nested, PropertyRule[] rules, ValidationAttribute[] classAttributes, bool validatable)
        {
            _jsonNames = jsonNames;
            Nested = nested;
            Rules = rules;
            ClassAttributes = classAttributes;
            HasAnnotations = rules.Length > 0 || classAttributes.Length > 0 || validatable;
        }

        public PropertyRule[] Rules { get; }

        public ValidationAttribute[] ClassAttributes { get; }

        public List<NestedProperty> Nested { get; }

        public bool HasAnnotations { get; }

        public string JsonName(string member) => _jsonNames.TryGetValue(member, out var name) ? name : member;

        public static TypeShape Create(Type type, JsonNamingPolicy? policy)
        {
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            var nested = new List<NestedProperty>();
            var rules = new List<PropertyRule>();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || property.GetMethod is null)
                {
                    continue;
                }

                var jsonName = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
                    ?? policy?.ConvertName(property.Name)
                    ?? property.Name;
                names[property.Name] = jsonName;
                var attributes = property.GetCustomAttributes<ValidationAttribute>(inherit: true).ToArray();
                if (attributes.Length > 0)
                {
                    var display = property.GetCustomAttribute<DisplayAttribute>()?.GetName()
                        ?? property.GetCustomAttribute<System.ComponentModel.DisplayNameAttribute>()?.DisplayName
                        ?? property.Name;
                    rules.Add(new PropertyRule(
                        property, jsonName, display, attributes.OfType<RequiredAttribute>().FirstOrDefault(), [.. attributes.Where(a => a is not RequiredAttribute)]));
                }

                var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (!IsLeaf(propertyType))
                {
                    nested.Add(new NestedProperty(property, jsonName));
                }
            }

            return new TypeShape(
                names,
                nested,
                [.. rules],
                [.. type.GetCustomAttributes<ValidationAttribute>(inherit: true)],
                typeof(IValidatableObject).IsAssignableFrom(type));
        }
    }
}
