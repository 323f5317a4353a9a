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
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    var members = result.MemberNames.ToList();
                    var where = members.Count == 0
                        ? path
                        : string.Join(", ", members.Select(m => $"{path}.{shape.JsonName(m)}"));
                    errors.Add($"{where}: {result.ErrorMessage}");
                }
            }
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

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
        || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(TimeSpan)
        || type == typeof(Guid) || type == typeof(Uri) || type == typeof(JsonElement) || type == typeof(JsonDocument);

    private sealed record NestedProperty(PropertyInfo Getter, string JsonName);

    private sealed class TypeShape
    {
        private readonly Dictionary<string, string> _jsonNames;

        private TypeShape(Dictionary<string, string> jsonNames, List<NestedProperty> nested, bool hasAnnotations)
        {
            _jsonNames = jsonNames;
            Nested = nested;
            HasAnnotations = hasAnnotations;
        }

        public List<NestedProperty> Nested { get; }

        public bool HasAnnotations { get; }

        public string JsonName(string member) => _jsonNames.TryGetValue(member, out var name) ? name : member;

        public static TypeShape Create(Type type, JsonNamingPolicy? policy)
        {
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            var nested = new List<NestedProperty>();
            var hasAnnotations = typeof(IValidatableObject).IsAssignableFrom(type)
                || type.GetCustomAttributes<ValidationAttribute>(inherit: true).Any();
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
                hasAnnotations |= property.GetCustomAttributes<ValidationAttribute>(inherit: true).Any();

                var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (!IsLeaf(propertyType))
                {
                    nested.Add(new NestedProperty(property, jsonName));
                }
            }

            return new TypeShape(names, nested, hasAnnotations);
        }
    }
}
