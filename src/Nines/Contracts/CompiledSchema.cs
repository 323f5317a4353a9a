using System.Text.Json;
using Json.Schema;

namespace Nines.Contracts;

/// <summary>A JSON schema compiled once: JsonSchema.Net for precise errors, plus a fast yes/no check when the schema allows one.</summary>
/// <param name="Full">The JsonSchema.Net schema, the authority on validity and the source of error messages.</param>
/// <param name="Fast">The fast check for valid replies, or <see langword="null"/> when the schema uses keywords it does not know.</param>
internal sealed record CompiledSchema(JsonSchema Full, FastSchemaValidator? Fast)
{
    public static CompiledSchema Create(JsonElement schema) =>
        new(JsonSchema.FromText(schema.GetRawText()), FastSchemaValidator.TryCreate(schema));
}
