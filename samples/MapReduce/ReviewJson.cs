using System.Text.Json;

namespace Nines.Samples.MapReduce;

/// <summary>The JSON settings the simulated answers are written with (camelCase, as the contract reads them).</summary>
internal static class ReviewJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
