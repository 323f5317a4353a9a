namespace Nines.Tools;

/// <summary>A record of untrusted content entering a session: which tool call brought it in, and when.</summary>
/// <param name="ToolName">The [A] tool whose output tainted the session.</param>
/// <param name="CallId">The model's tool-call id, when known.</param>
/// <param name="Timestamp">When the output arrived.</param>
public sealed record ToolTaint(string ToolName, string? CallId, DateTimeOffset Timestamp);
