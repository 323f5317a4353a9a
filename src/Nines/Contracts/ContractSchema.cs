using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Nines.Contracts;

/// <summary>
/// The JSON schema generated for a type, compiled once and cached per (type, serializer options) so that checking a reply
/// never regenerates or recompiles it.
/// </summary>
internal sealed class ContractSchema
{
    private static readonly ConcurrentDictionary<(Type, JsonSerializerOptions), ContractSchema> _cache = new();

    private ContractSchema(JsonElement schema, CompiledSchema compiled, bool wrapped)
    {
        Schema = schema;
        Compiled = compiled;
        Wrapped = wrapped;
    }

    /// <summary>Gets the schema sent to the model.</summary>
    public JsonElement Schema { get; }

    /// <summary>Gets the compiled validators for <see cref="Schema"/>.</summary>
    public CompiledSchema Compiled { get; }

    /// <summary>
    /// Gets a value indicating whether the type's own schema is not an object (a list, a number, a string) and was wrapped
    /// as <c>{"data": …}</c>, because providers require an object at the root of a structured-output schema.
    /// </summary>
    public bool Wrapped { get; }

    public static ContractSchema For(Type type, JsonSerializerOptions options) =>
        _cache.GetOrAdd((type, options), static key => Create(key.Item1, key.Item2));

    private static ContractSchema Create(Type type, JsonSerializerOptions options)
    {
        var schema = AIJsonUtilities.CreateJsonSchema(type, serializerOptions: options);
        var wrapped = !IsObjectSchema(schema);
        if (wrapped)
        {
            var wrapper = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { [ContractsConstants.WrapperPropertyName] = JsonNode.Parse(schema.GetRawText()) },
                ["required"] = new JsonArray(ContractsConstants.WrapperPropertyName),
                ["additionalProperties"] = false,
            };
            schema = JsonSerializer.SerializeToElement(wrapper, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonObject)));
        }

        return new ContractSchema(schema, CompiledSchema.Create(schema), wrapped);
    }

    private static bool IsObjectSchema(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object
        && schema.TryGetProperty("type", out var type)
        && type.ValueKind == JsonValueKind.String
        && type.ValueEquals("object");
}
