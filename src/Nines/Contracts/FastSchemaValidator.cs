using System.Text.Json;

namespace Nines.Contracts;

/// <summary>
/// A small, allocation-free yes/no validator for the subset of JSON Schema that <c>AIJsonUtilities.CreateJsonSchema</c>
/// emits for plain data types (type, properties, required, items, additionalProperties, enum, const, numeric bounds,
/// length and item-count bounds). It exists because the valid reply is the hot path: JsonSchema.Net's full evaluation
/// costs tens of microseconds and kilobytes per call.
/// </summary>
/// <remarks>
/// It is only built when every keyword in the schema is one it understands; otherwise <see cref="TryCreate"/> returns
/// <see langword="null"/> and every reply goes to JsonSchema.Net. When it says "invalid", JsonSchema.Net evaluates the
/// reply again to produce the precise messages, and JsonSchema.Net's verdict is the one that counts.
/// </remarks>
internal sealed class FastSchemaValidator
{
    private static readonly HashSet<string> _annotations = new(StringComparer.Ordinal)
    {
        "$schema", "$comment", "title", "description", "default", "examples", "format", "readOnly", "writeOnly", "deprecated",
    };

    private TypeMask _types = TypeMask.Any;
    private Dictionary<string, FastSchemaValidator>? _properties;
    private string[]? _required;
    private FastSchemaValidator? _items;
    private bool _noAdditionalProperties;
    private JsonElement[]? _enum;
    private JsonElement? _const;
    private Bound? _minimum;
    private Bound? _maximum;
    private Bound? _exclusiveMinimum;
    private Bound? _exclusiveMaximum;
    private int? _minLength;
    private int? _maxLength;
    private int? _minItems;
    private int? _maxItems;

    private FastSchemaValidator()
    {
    }

    [Flags]
    private enum TypeMask
    {
        None = 0,
        Object = 1,
        Array = 2,
        String = 4,
        Number = 8,
        Integer = 16,
        Boolean = 32,
        Null = 64,
        Any = Object | Array | String | Number | Integer | Boolean | Null,
    }

    public static FastSchemaValidator? TryCreate(JsonElement schema, int depth = 0)
    {
        if (depth > 64 || schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var node = new FastSchemaValidator();
        foreach (var keyword in schema.EnumerateObject())
        {
            var value = keyword.Value;
            switch (keyword.Name)
            {
                case "type":
                    node._types = ParseTypes(value);
                    if (node._types == TypeMask.None)
                    {
                        return null;
                    }

                    break;
                case "properties":
                    if (value.ValueKind != JsonValueKind.Object)
                    {
                        return null;
                    }

                    node._properties = new Dictionary<string, FastSchemaValidator>(StringComparer.Ordinal);
                    foreach (var property in value.EnumerateObject())
                    {
                        var child = TryCreate(property.Value, depth + 1);
                        if (child is null)
                        {
                            return null;
                        }

                        node._properties[property.Name] = child;
                    }

                    break;
                case "required":
                    if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                    {
                        return null;
                    }

                    node._required = [.. value.EnumerateArray().Select(e => e.GetString()!)];
                    break;
                case "items":
                    node._items = TryCreate(value, depth + 1);
                    if (node._items is null)
                    {
                        return null;
                    }

                    break;
                case "additionalProperties":
                    if (value.ValueKind == JsonValueKind.False)
                    {
                        node._noAdditionalProperties = true;
                    }
                    else if (value.ValueKind != JsonValueKind.True)
                    {
                        return null;
                    }

                    break;
                case "enum":
                    if (value.ValueKind != JsonValueKind.Array)
                    {
                        return null;
                    }

                    node._enum = [.. value.EnumerateArray().Select(e => e.Clone())];
                    break;
                case "const":
                    node._const = value.Clone();
                    break;
                case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum":
                    if (value.ValueKind != JsonValueKind.Number)
                    {
                        return null;
                    }

                    var bound = new Bound(value.TryGetDecimal(out var exact) ? exact : null, value.GetDouble());
                    _ = keyword.Name switch
                    {
                        "minimum" => node._minimum = bound,
                        "maximum" => node._maximum = bound,
                        "exclusiveMinimum" => node._exclusiveMinimum = bound,
                        _ => node._exclusiveMaximum = bound,
                    };
                    break;
                case "minLength" or "maxLength" or "minItems" or "maxItems":
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var count) || count < 0)
                    {
                        return null;
                    }

                    _ = keyword.Name switch
                    {
                        "minLength" => node._minLength = count,
                        "maxLength" => node._maxLength = count,
                        "minItems" => node._minItems = count,
                        _ => node._maxItems = count,
                    };
                    break;
                default:
                    if (!_annotations.Contains(keyword.Name))
                    {
                        // Anything else ($ref, anyOf, pattern, …) is left to JsonSchema.Net.
                        return null;
                    }

                    break;
            }
        }

        return node;
    }

    public bool IsValid(JsonElement instance)
    {
        if (!MatchesType(instance))
        {
            return false;
        }

        if (_enum is not null && !_enum.Any(e => JsonElement.DeepEquals(e, instance)))
        {
            return false;
        }

        if (_const is { } constant && !JsonElement.DeepEquals(constant, instance))
        {
            return false;
        }

        switch (instance.ValueKind)
        {
            case JsonValueKind.Object:
                return IsValidObject(instance);
            case JsonValueKind.Array:
                return IsValidArray(instance);
            case JsonValueKind.String:
                return IsValidString(instance);
            case JsonValueKind.Number:
                return IsValidNumber(instance);
            default:
                return true;
        }
    }

    private static TypeMask ParseTypes(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return ParseType(value.GetString());
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            return TypeMask.None;
        }

        var mask = TypeMask.None;
        foreach (var item in value.EnumerateArray())
        {
            var one = item.ValueKind == JsonValueKind.String ? ParseType(item.GetString()) : TypeMask.None;
            if (one == TypeMask.None)
            {
                return TypeMask.None;
            }

            mask |= one;
        }

        return mask;
    }

    private static TypeMask ParseType(string? name) => name switch
    {
        "object" => TypeMask.Object,
        "array" => TypeMask.Array,
        "string" => TypeMask.String,
        "number" => TypeMask.Number | TypeMask.Integer,
        "integer" => TypeMask.Integer,
        "boolean" => TypeMask.Boolean,
        "null" => TypeMask.Null,
        _ => TypeMask.None,
    };

    private static bool IsInteger(JsonElement number)
    {
        if (number.TryGetInt64(out _))
        {
            return true;
        }

        // 1.0 and 1e3 are integers in JSON Schema (draft 6 and later).
        return number.TryGetDecimal(out var m) ? decimal.Truncate(m) == m : Math.Floor(number.GetDouble()) == number.GetDouble();
    }

    private bool MatchesType(JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.Object => (_types & TypeMask.Object) != 0,
        JsonValueKind.Array => (_types & TypeMask.Array) != 0,
        JsonValueKind.String => (_types & TypeMask.String) != 0,
        JsonValueKind.True or JsonValueKind.False => (_types & TypeMask.Boolean) != 0,
        JsonValueKind.Null => (_types & TypeMask.Null) != 0,
        JsonValueKind.Number => (_types & TypeMask.Number) != 0 || ((_types & TypeMask.Integer) != 0 && IsInteger(instance)),
        _ => false,
    };

    private bool IsValidObject(JsonElement instance)
    {
        if (_required is not null)
        {
            foreach (var name in _required)
            {
                if (!instance.TryGetProperty(name, out _))
                {
                    return false;
                }
            }
        }

        if (_properties is null && !_noAdditionalProperties)
        {
            return true;
        }

        foreach (var property in instance.EnumerateObject())
        {
            if (_properties is not null && _properties.TryGetValue(property.Name, out var child))
            {
                if (!child.IsValid(property.Value))
                {
                    return false;
                }
            }
            else if (_noAdditionalProperties)
            {
                return false;
            }
        }

        return true;
    }

    private bool IsValidArray(JsonElement instance)
    {
        var length = instance.GetArrayLength();
        if (length < (_minItems ?? 0) || length > (_maxItems ?? int.MaxValue))
        {
            return false;
        }

        if (_items is not null)
        {
            foreach (var item in instance.EnumerateArray())
            {
                if (!_items.IsValid(item))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private bool IsValidString(JsonElement instance)
    {
        if (_minLength is null && _maxLength is null)
        {
            return true;
        }

        // JSON Schema counts code points, not UTF-16 units.
        var text = instance.GetString()!;
        var length = text.EnumerateRunes().Count();
        return length >= (_minLength ?? 0) && length <= (_maxLength ?? int.MaxValue);
    }

    private bool IsValidNumber(JsonElement instance)
    {
        if (_minimum is null && _maximum is null && _exclusiveMinimum is null && _exclusiveMaximum is null)
        {
            return true;
        }

        var value = new Bound(instance.TryGetDecimal(out var exact) ? exact : null, instance.GetDouble());
        return (_minimum is not { } min || value.CompareTo(min) >= 0)
            && (_maximum is not { } max || value.CompareTo(max) <= 0)
            && (_exclusiveMinimum is not { } xmin || value.CompareTo(xmin) > 0)
            && (_exclusiveMaximum is not { } xmax || value.CompareTo(xmax) < 0);
    }

    /// <summary>A JSON number, exact as a decimal when it fits, else as a double.</summary>
    private readonly record struct Bound(decimal? Exact, double Approximate)
    {
        public int CompareTo(Bound other) =>
            Exact is { } a && other.Exact is { } b ? a.CompareTo(b) : Approximate.CompareTo(other.Approximate);
    }
}
