using System.Text.Json.Nodes;

namespace Nines.Tests.Fakes;

/// <summary>One request the fake server received, for assertions.</summary>
public sealed record RecordedHttpRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The body parsed as JSON (throws if it is not JSON).</summary>
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("The request body is JSON null.");

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
